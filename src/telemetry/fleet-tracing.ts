import type * as Api from '@opentelemetry/api';
import type { CodexTelemetry } from './codex-telemetry.js';
import { errorType } from './error-type.js';
import { explicitParent } from './explicit-parent.js';

/**
 * A span context as it travels in a fleet job: W3C trace context, the `traceparent` header's
 * value (and `tracestate` when the producer's span had one).
 *
 * @example
 * const carrier: TraceCarrier = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
 */
export interface TraceCarrier {
  readonly traceparent: string;
  readonly tracestate?: string;
}

/** A span in progress that its owner ends once, with the error that ended it if any. */
interface Ending {
  end(error?: unknown): void;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The spans of fleet jobs: the producer's `submit` (its context travels in the job), and on the
 * worker the wait in the queue and the job's `process`, children of that submit, with the job's
 * turn under `process`. One trace goes from producer to worker.
 *
 * @example
 * declare const telemetry: ConstructorParameters<typeof FleetTracing>[0];
 * const tracing = new FleetTracing(telemetry);
 * const submit = tracing.submit('turns');
 * // … the job is added with `trace: submit.carrier`, then:
 * submit.end();
 * // on the worker, with the job's carrier and creation time:
 * const job = tracing.job('turns', jobId, submit.carrier, Date.now() - 50, 1);
 * const started = await job.within(() => thread.turn('Review the diff'));
 * job.end();
 */
export class FleetTracing {
  constructor(private readonly telemetry: CodexTelemetry) {}

  /** Starts a `submit` span under the active span; its `carrier` goes into the job. */
  submit(queue: string): Ending & { readonly carrier: TraceCarrier; readonly span: Api.Span } {
    const { api, tracer } = this.telemetry;
    const span = tracer.startSpan(`submit ${queue}`, { kind: api.SpanKind.PRODUCER, attributes: messaging(queue, 'send') }, explicitParent() ?? api.context.active());
    return { span, carrier: toCarrier(span.spanContext()), end: (error?: unknown) => endSpan(api, span, error) };
  }

  /**
   * A job taken from the queue: its `queued` span (from `enqueuedAtMs` to now) and its `process`
   * span, both children of the producer's span when the job carries one. `within` runs the start
   * of the job's turn so that the turn's span is a child of `process`.
   */
  job(queue: string, jobId: string, carrier: TraceCarrier | undefined, enqueuedAtMs: number, attempt: number): Ending & { within<T>(start: () => T): T } {
    const { api, tracer } = this.telemetry;
    const parent = fromCarrier(api, carrier) ?? api.ROOT_CONTEXT;
    const attributes = { ...messaging(queue, 'process'), 'messaging.message.id': jobId, 'codex.fleet.attempt': attempt };
    const now = performance.timeOrigin + performance.now();
    const queued = tracer.startSpan(`queued ${queue}`, { kind: api.SpanKind.INTERNAL, attributes: { ...attributes, 'messaging.operation.type': 'receive' }, startTime: Math.min(enqueuedAtMs, now) }, parent);
    queued.end(now);
    const span = tracer.startSpan(`process ${queue}`, { kind: api.SpanKind.CONSUMER, attributes, startTime: now }, parent);
    const context = api.trace.setSpan(parent, span);
    return {
      within: <T>(start: () => T): T => this.telemetry.withParent(context, start),
      end: (error?: unknown) => endSpan(api, span, error),
    };
  }
}

function messaging(queue: string, operation: string): Api.Attributes {
  return { 'messaging.system': 'bullmq', 'messaging.destination.name': queue, 'messaging.operation.type': operation };
}

function endSpan(api: typeof Api, span: Api.Span, error: unknown): void {
  if (error !== undefined) {
    span.setAttribute('error.type', errorType(error));
    span.setStatus({ code: api.SpanStatusCode.ERROR });
  }
  span.end();
}

function toCarrier(context: Api.SpanContext): TraceCarrier {
  const traceparent = `00-${context.traceId}-${context.spanId}-${(context.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
  const tracestate = context.traceState?.serialize();
  return tracestate === undefined || tracestate === '' ? { traceparent } : { traceparent, tracestate };
}

/** The remote parent a job carries; undefined for none or a malformed one (a job is data from outside). */
function fromCarrier(api: typeof Api, carrier: TraceCarrier | undefined): Api.Context | undefined {
  const match = typeof carrier?.traceparent === 'string' ? TRACEPARENT.exec(carrier.traceparent) : null;
  if (match === null) return undefined;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  const spanContext: Api.SpanContext = { traceId, spanId, traceFlags: Number.parseInt(flags, 16), isRemote: true };
  if (!api.isSpanContextValid(spanContext)) return undefined;
  return api.trace.setSpanContext(api.ROOT_CONTEXT, spanContext);
}
