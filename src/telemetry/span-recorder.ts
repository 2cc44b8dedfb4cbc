import type * as Api from '@opentelemetry/api';
import { randomBytes } from 'node:crypto';

/**
 * A finished span as `SpanRecorder` keeps it.
 *
 * @example
 * declare const recorder: SpanRecorder;
 * const span: RecordedSpan = recorder.spans[0]!;
 * console.log(span.name, span.endMs - span.startMs, span.attributes['codex.turn.status']);
 */
export interface RecordedSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  /** The parent's span id; undefined for a root. */
  readonly parentSpanId: string | undefined;
  /** Start and end, in ms since the epoch. */
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes: Readonly<Api.Attributes>;
  readonly events: readonly { readonly name: string; readonly timeMs: number; readonly attributes: Readonly<Api.Attributes> }[];
  /** True when the span's status is an error. */
  readonly failed: boolean;
}

function toMs(time: Api.TimeInput | undefined): number {
  if (time === undefined) return performance.timeOrigin + performance.now();
  if (typeof time === 'number') return time < performance.timeOrigin ? performance.timeOrigin + time : time;
  if (time instanceof Date) return time.getTime();
  return time[0] * 1000 + time[1] / 1e6;
}

/**
 * A tracer provider that keeps the spans of this process in memory, for `codex-rx run --trace`:
 * no SDK, no collector, just the finished spans to print. Parents come from the context given to
 * `startSpan` (as the client passes them).
 *
 * @example
 * const api = await import('@opentelemetry/api');
 * const recorder = new SpanRecorder(api);
 * const codex = await Codex.connect({ telemetry: { tracerProvider: recorder } });
 * // … run a turn, then:
 * console.log(recorder.spans.map((span) => span.name));
 */
export class SpanRecorder implements Api.TracerProvider {
  /** The finished spans, in the order they ended. */
  readonly spans: RecordedSpan[] = [];

  constructor(private readonly api: typeof Api) {}

  getTracer(): Api.Tracer {
    const startSpan = (name: string, options: Api.SpanOptions = {}, parentContext?: Api.Context): Api.Span => this.start(name, options, parentContext);
    return {
      startSpan,
      startActiveSpan: ((name: string, ...rest: unknown[]) => {
        const fn = rest.pop() as (span: Api.Span) => unknown;
        const options = (rest[0] ?? {}) as Api.SpanOptions;
        const parent = (rest[1] as Api.Context | undefined) ?? this.api.context.active();
        const span = startSpan(name, options, parent);
        return this.api.context.with(this.api.trace.setSpan(parent, span), () => fn(span));
      }) as Api.Tracer['startActiveSpan'],
    };
  }

  private start(name: string, options: Api.SpanOptions, parentContext: Api.Context | undefined): Api.Span {
    const parent = options.root === true ? undefined : this.api.trace.getSpanContext(parentContext ?? this.api.context.active());
    const context: Api.SpanContext = {
      traceId: parent?.traceId ?? randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      traceFlags: 1,
    };
    const startMs = toMs(options.startTime);
    const attributes: Api.Attributes = { ...options.attributes };
    const events: { name: string; timeMs: number; attributes: Api.Attributes }[] = [];
    let spanName = name;
    let failed = false;
    let ended = false;
    const span: Api.Span = {
      spanContext: () => context,
      setAttribute: (key, value) => {
        if (!ended && value !== undefined) attributes[key] = value;
        return span;
      },
      setAttributes: (values) => {
        if (!ended) Object.assign(attributes, values);
        return span;
      },
      addEvent: (eventName, attributesOrTime?: Api.Attributes | Api.TimeInput, time?: Api.TimeInput) => {
        const isTime = typeof attributesOrTime === 'number' || Array.isArray(attributesOrTime) || attributesOrTime instanceof Date;
        if (!ended) events.push({ name: eventName, timeMs: toMs(isTime ? (attributesOrTime as Api.TimeInput) : time), attributes: isTime ? {} : { ...(attributesOrTime as Api.Attributes | undefined) } });
        return span;
      },
      addLink: () => span,
      addLinks: () => span,
      setStatus: (status) => {
        failed = status.code === this.api.SpanStatusCode.ERROR;
        return span;
      },
      updateName: (newName) => {
        spanName = newName;
        return span;
      },
      end: (endTime) => {
        if (ended) return;
        ended = true;
        this.spans.push({ name: spanName, traceId: context.traceId, spanId: context.spanId, parentSpanId: parent?.spanId, startMs, endMs: toMs(endTime), attributes, events, failed });
      },
      isRecording: () => !ended,
      recordException: () => undefined,
    };
    return span;
  }
}
