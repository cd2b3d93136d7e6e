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

// Errors whose message the thrower already wrote in the person's language with more detail than the
// catalogue's text for the code (the web chat's "at most 2 a minute"): the error middleware keeps it.
const inPersonsLanguage = new WeakSet<AppError>();
export function localized(err: AppError): AppError {
  inPersonsLanguage.add(err);
  return err;
}
export function isLocalized(err: unknown): boolean {
  return err instanceof AppError && inPersonsLanguage.has(err);
}
