/**
 * Telemetry was configured but `@opentelemetry/api` could not be loaded. It is an optional peer
 * dependency: install it where telemetry is wanted.
 *
 * @example
 * try {
 *   await Codex.connect({ telemetry: true });
 * } catch (error) {
 *   if (error instanceof TelemetryUnavailableError) console.error('npm install @opentelemetry/api');
 * }
 */
export class TelemetryUnavailableError extends Error {
  override readonly name = 'TelemetryUnavailableError';
  constructor(options?: ErrorOptions) {
    super('telemetry is configured but "@opentelemetry/api" could not be loaded: npm install @opentelemetry/api', options);
  }
}
