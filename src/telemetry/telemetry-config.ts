/**
 * Where spans go: an OpenTelemetry `TracerProvider` (typed by shape, so that the types of
 * `codex-rx` need no `@opentelemetry/api` installed).
 *
 * @example
 * import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
 *
 * const tracerProvider: TracerProviderLike = new BasicTracerProvider();
 */
export interface TracerProviderLike {
  getTracer(name: string, version?: string): object;
}

/**
 * Where metrics go: an OpenTelemetry `MeterProvider`, typed by shape.
 *
 * @example
 * import { MeterProvider } from '@opentelemetry/sdk-metrics';
 *
 * const meterProvider: MeterProviderLike = new MeterProvider();
 */
export interface MeterProviderLike {
  getMeter(name: string, version?: string): object;
}

/**
 * What a client, a fleet worker or producer records with OpenTelemetry: turns as GenAI
 * `invoke_agent` spans with their commands, tools and waits for a person as children, and the
 * client's metrics. Needs the optional peer dependency `@opentelemetry/api`, loaded only when
 * telemetry is configured.
 *
 * @example
 * import { trace, metrics } from '@opentelemetry/api';
 *
 * const codex = await Codex.connect({
 *   telemetry: { tracerProvider: trace.getTracerProvider(), meterProvider: metrics.getMeterProvider(), rpcSpans: true },
 * });
 */
export interface TelemetryConfig {
  /** The spans' provider; default the global one (`trace.getTracerProvider()`). */
  readonly tracerProvider?: TracerProviderLike;
  /** The metrics' provider; default the global one (`metrics.getMeterProvider()`). */
  readonly meterProvider?: MeterProviderLike;
  /**
   * Record content: the prompt, the final response, commands and their output, tool arguments
   * and results, file paths. Off by default, as the GenAI conventions ask: these may hold
   * personal or secret data. Tokens and keys are never recorded.
   */
  readonly captureContent?: boolean;
  /** A span per JSON-RPC request (many: off by default). */
  readonly rpcSpans?: boolean;
  /**
   * How `@opentelemetry/api` is loaded; default: imported by name at run time, which bundlers
   * leave out of the bundle. In a bundled page, pass `() => import('@opentelemetry/api')`.
   */
  readonly loadApi?: () => Promise<unknown>;
}

/**
 * The telemetry option of `CodexConfig`, `FleetWorkerConfig` and `FleetProducerConfig`: `true`
 * for the global providers with the defaults, a `TelemetryConfig`, or `false`/absent for none
 * (then nothing of OpenTelemetry is loaded).
 *
 * @example
 * const codex = new Codex({ telemetry: true });
 */
export type TelemetryOption = boolean | TelemetryConfig;

/**
 * The defaults of `TelemetryConfig`: no content, no request spans.
 *
 * @example
 * const settings = { ...DEFAULT_TELEMETRY_CONFIG, rpcSpans: true };
 */
export const DEFAULT_TELEMETRY_CONFIG = {
  captureContent: false,
  rpcSpans: false,
} as const satisfies Pick<TelemetryConfig, 'captureContent' | 'rpcSpans'>;
