import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { MeterProvider, MetricReader, type DataPoint, type MetricData } from '@opentelemetry/sdk-metrics';
import type { TelemetryConfig } from '../../src/telemetry/telemetry-config.js';

/** A reader that exports nothing: specs collect on demand. */
class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** Milliseconds of an OpenTelemetry high-resolution time. */
export function ms(time: readonly [number, number]): number {
  return time[0] * 1000 + time[1] / 1e6;
}

/**
 * The SDK's in-memory exporters behind a tracer and a meter provider, with the async-hooks
 * context manager registered for the spec (so `startActiveSpan` parents a turn as in an app).
 */
export class TelemetryFixture {
  readonly exporter = new InMemorySpanExporter();
  readonly tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(this.exporter)] });
  readonly reader = new CollectingReader();
  readonly meterProvider = new MeterProvider({ readers: [this.reader] });
  private readonly contextManager = new AsyncLocalStorageContextManager();

  constructor() {
    this.contextManager.enable();
    context.setGlobalContextManager(this.contextManager);
  }

  config(extra: Partial<TelemetryConfig> = {}): TelemetryConfig {
    return { tracerProvider: this.tracerProvider, meterProvider: this.meterProvider, ...extra };
  }

  get spans(): ReadableSpan[] {
    return this.exporter.getFinishedSpans();
  }

  /** The one finished span named `name`. */
  span(name: string): ReadableSpan {
    const found = this.spans.filter((span) => span.name === name);
    if (found.length !== 1) throw new Error(`expected one span "${name}", found ${found.length} in:\n${this.tree()}`);
    return found[0]!;
  }

  children(parent: ReadableSpan): ReadableSpan[] {
    return this.spans.filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);
  }

  /** Waits until a span named `name` has ended. */
  async ended(name: string, timeoutMs = 10_000): Promise<ReadableSpan> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.spans.find((span) => span.name === name);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no span "${name}" ended within ${timeoutMs} ms:\n${this.tree()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The spans as an indented tree, for failure messages. */
  tree(): string {
    const lines: string[] = [];
    const ids = new Set(this.spans.map((span) => span.spanContext().spanId));
    const walk = (span: ReadableSpan, depth: number) => {
      lines.push(`${'  '.repeat(depth)}${span.name} ${(ms(span.endTime) - ms(span.startTime)).toFixed(0)} ms ${JSON.stringify(span.attributes)}`);
      for (const child of this.children(span)) walk(child, depth + 1);
    };
    for (const root of this.spans.filter((span) => span.parentSpanContext === undefined || !ids.has(span.parentSpanContext.spanId))) walk(root, 0);
    return lines.join('\n');
  }

  async metrics(): Promise<Map<string, MetricData>> {
    const { resourceMetrics } = await this.reader.collect();
    const byName = new Map<string, MetricData>();
    for (const scope of resourceMetrics.scopeMetrics) for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
    return byName;
  }

  /** The data points of metric `name` whose attributes include `match`. */
  async points(name: string, match: Record<string, unknown> = {}): Promise<DataPoint<unknown>[]> {
    const metric = (await this.metrics()).get(name);
    if (metric === undefined) return [];
    return (metric.dataPoints as DataPoint<unknown>[]).filter((point) => Object.entries(match).every(([key, value]) => point.attributes[key] === value));
  }

  async dispose(): Promise<void> {
    context.disable();
    this.contextManager.disable();
    await this.tracerProvider.shutdown();
    await this.meterProvider.shutdown();
  }
}
