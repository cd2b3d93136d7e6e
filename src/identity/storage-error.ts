// A database that cannot be reached is the operator's problem, not the person's: they get a 503
// with a sentence (and nothing half-written: each change is one statement or one transaction).
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';

export function storageUnavailable(logger: Logger): (err: unknown) => unknown {
  return (err) => {
    if (err instanceof AppError) return err;
    logger.error({ module: 'identity', err: { message: (err as Error)?.message, code: (err as { code?: string })?.code } }, 'link request failed: database unavailable?');
    return new AppError('storage-unavailable', 503, 'We cannot reach our database right now. Nothing was changed; please try again in a moment.', undefined, true);
  };
}
