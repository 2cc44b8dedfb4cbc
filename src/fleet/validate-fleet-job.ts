import { toUserInput } from '../client/run-input.js';
import { InvalidFleetJobError } from './invalid-fleet-job-error.js';

/** The longest key accepted: it is part of several Redis key names. */
const MAX_KEY_LENGTH = 256;
/** BullMQ's highest priority number. */
const MAX_PRIORITY = 2_097_152;

/**
 * What a fleet job must satisfy to be run: the producer checks it at `submit`, the worker again
 * before it runs the job, so a job that can never succeed fails once, at once, and is never
 * retried. Returns the first problem found, or `undefined`.
 *
 * - `key`: a non-empty string of at most 256 characters, without `:` and not an integer (BullMQ
 *   takes an empty id as "no id" and numbers the job itself, and refuses integers and `:`).
 * - `input`: a string or input items as `thread.run` takes them (checked by the same code), at most
 *   `maxInputBytes` as JSON.
 * - `attempts`: a positive integer; `priority`: an integer from 1 to 2,097,152.
 *
 * @example
 * const problem = validateFleetJob({ input: 'Say hello', key: 'hello-1' }, 1_048_576);
 * if (problem !== undefined) throw problem;
 */
export function validateFleetJob(
  job: { readonly input: unknown; readonly key?: unknown; readonly attempts?: unknown; readonly priority?: unknown },
  maxInputBytes: number,
): InvalidFleetJobError | undefined {
  const { key, attempts, priority } = job;
  if (key !== undefined) {
    if (typeof key !== 'string') return new InvalidFleetJobError('key', `expected a string, got ${typeOf(key)}`);
    if (key === '') return new InvalidFleetJobError('key', 'the key is empty');
    if (key.length > MAX_KEY_LENGTH) return new InvalidFleetJobError('key', `the key has ${key.length} characters; at most ${MAX_KEY_LENGTH}`);
    if (key.includes(':')) return new InvalidFleetJobError('key', `the key must not contain ":"; got ${JSON.stringify(key)}`);
    if (/^-?\d+$/.test(key)) return new InvalidFleetJobError('key', `the key must not be an integer; got ${JSON.stringify(key)}`);
  }
  if (attempts !== undefined && !(Number.isInteger(attempts) && (attempts as number) >= 1)) {
    return new InvalidFleetJobError('attempts', `expected a positive integer, got ${typeOf(attempts)}`);
  }
  if (priority !== undefined && !(Number.isInteger(priority) && (priority as number) >= 1 && (priority as number) <= MAX_PRIORITY)) {
    return new InvalidFleetJobError('priority', `expected an integer from 1 to ${MAX_PRIORITY}, got ${typeOf(priority)}`);
  }
  return inputProblem(job.input, maxInputBytes);
}

function inputProblem(input: unknown, maxInputBytes: number): InvalidFleetJobError | undefined {
  try {
    toUserInput(input as Parameters<typeof toUserInput>[0], 'turn/start');
  } catch (error) {
    return new InvalidFleetJobError('input', error instanceof Error ? error.message.replace(/; nothing was sent$/, '') : String(error));
  }
  const bytes = Buffer.byteLength(JSON.stringify(input), 'utf8');
  if (bytes > maxInputBytes) return new InvalidFleetJobError('input', `the input is ${bytes} bytes as JSON; at most ${maxInputBytes} (maxInputBytes)`);
  return undefined;
}

/** A value's kind for a message, without the value itself (it may be huge, or a secret). */
function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  return typeof value;
}
