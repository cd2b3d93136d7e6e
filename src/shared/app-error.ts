// The one error class: a stable kebab-case code, an HTTP status and a message for the caller.
export class AppError extends Error {
  constructor(
    public readonly code: string,
    public readonly status: number,
    message: string,
    public readonly details?: Record<string, unknown>,
    /** The thrower already logged the cause (with more context than the handler has): not logged again. */
    public readonly logged = false,
  ) {
    super(message);
    this.name = 'AppError';
  }
}
