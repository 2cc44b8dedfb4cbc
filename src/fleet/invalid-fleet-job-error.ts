/**
 * A fleet job that can never run: its key, input or options are not valid. `submit` throws it
 * before anything reaches Redis; a worker that receives such a job anyway (written to the queue by
 * another client, or by a producer with a larger `maxInputBytes`) fails it at once, for good, with
 * reason `invalid-input`.
 *
 * @example
 * try {
 *   await producer.submit({ input: 'x'.repeat(2_000_000), key: 'review-42' });
 * } catch (error) {
 *   if (error instanceof InvalidFleetJobError) console.error(`${error.field}: ${error.message}`);
 * }
 */
export class InvalidFleetJobError extends TypeError {
  override readonly name = 'InvalidFleetJobError';
  constructor(
    /** The field at fault: `key`, `input`, `attempts` or `priority`. */
    readonly field: 'key' | 'input' | 'attempts' | 'priority',
    message: string,
  ) {
    super(`invalid fleet job ${field}: ${message}`);
  }
}
