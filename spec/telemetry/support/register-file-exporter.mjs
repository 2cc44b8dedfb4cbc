// Loaded with `node --import` into a `codex-rx worker --telemetry` process: registers a global
// tracer provider whose spans are appended, one JSON line each, to the file named by
// CODEX_RX_SPEC_SPANS, so that a spec in another process can read the worker's spans.
import { appendFileSync } from 'node:fs';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const file = process.env.CODEX_RX_SPEC_SPANS;
if (file === undefined) throw new Error('CODEX_RX_SPEC_SPANS names no file for the spans');

const exporter = {
  export(spans, done) {
    for (const span of spans) {
      const line = {
        name: span.name,
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        parentSpanId: span.parentSpanContext?.spanId,
        attributes: span.attributes,
      };
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    }
    done({ code: 0 });
  },
  shutdown: async () => {},
};

const contextManager = new AsyncLocalStorageContextManager();
contextManager.enable();
context.setGlobalContextManager(contextManager);
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
