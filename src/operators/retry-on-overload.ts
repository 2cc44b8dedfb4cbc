import { retry, throwError, timer, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { withDefaults } from '../internal/with-defaults.js';
import { overloadDelayMs } from '../connection/overload-delay-ms.js';
import { isRetryableError } from './is-retryable-error.js';

export { overloadDelayMs };

/**
 * Options of `retryOnOverload`. Defaults (those of the Python SDK) are in `DEFAULT_RETRY_ON_OVERLOAD_CONFIG`.
 *
 * @example
 * import { lastValueFrom } from 'rxjs';
 *
 * const result = await lastValueFrom(thread.run$('Say hello').pipe(retryOnOverload({ maxAttempts: 5, initialDelayMs: 500 })));
 */
export interface RetryOnOverloadConfig {
  /** Attempts in all, the first included. */
  readonly maxAttempts?: number;
  /** Delay before the first retry, in ms; it doubles with each retry. */
  readonly initialDelayMs?: number;
  /** Upper bound of a delay before jitter, in ms. */
  readonly maxDelayMs?: number;
  /** Each delay is scaled by a random factor in [1 - jitterRatio, 1 + jitterRatio]. */
  readonly jitterRatio?: number;
  /** Which errors to retry; overload errors by default. */
  readonly isRetryable?: (error: unknown) => boolean;
  /** Where delays are scheduled (a TestScheduler in marble tests). */
  readonly scheduler?: SchedulerLike;
  /** The random source of jitter, in [0, 1). */
  readonly random?: () => number;
}

/**
 * The defaults of `RetryOnOverloadConfig`.
 *
 * @example
 * const patient = retryOnOverload({ maxAttempts: DEFAULT_RETRY_ON_OVERLOAD_CONFIG.maxAttempts * 2 });
 */
export const DEFAULT_RETRY_ON_OVERLOAD_CONFIG = {
  maxAttempts: 3,
  initialDelayMs: 250,
  maxDelayMs: 2_000,
  jitterRatio: 0.2,
} as const;

/**
 * Resubscribes to the source when it fails with a server overload (`ServerBusyError`, or
 * `server_overloaded` in the error data), after an exponentially growing, jittered delay. Other
 * errors pass through at once; after the last attempt the last overload error is passed on.
 *
 * Retrying means resubscribing, so put it behind a cold source that sends on subscribe, such as
 * `codex.request$(…)` or `thread.run$(…)`.
 *
 * @example
 * import { lastValueFrom } from 'rxjs';
 *
 * const threads = await lastValueFrom(codex.request$('thread/list', {}).pipe(retryOnOverload()));
 */
export function retryOnOverload<T>(config: RetryOnOverloadConfig = {}): MonoTypeOperatorFunction<T> {
  const options = withDefaults(DEFAULT_RETRY_ON_OVERLOAD_CONFIG, config);
  const isRetryable = options.isRetryable ?? isRetryableError;
  const random = options.random ?? Math.random;
  return retry<T>({
    count: Math.max(0, options.maxAttempts - 1),
    delay: (error: unknown, retryCount: number) => {
      if (!isRetryable(error)) return throwError(() => error);
      return timer(overloadDelayMs(retryCount, options, random), options.scheduler);
    },
  });
}
