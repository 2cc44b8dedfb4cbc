/**
 * Telemetry: every turn as an OpenTelemetry trace, exported over OTLP/HTTP to any collector
 * (Jaeger, Grafana Tempo, Honeycomb, an OpenTelemetry Collector …), with the app's own span as
 * the turn's parent.
 *
 *   npm install @opentelemetry/api @opentelemetry/sdk-trace-base @opentelemetry/resources @opentelemetry/context-async-hooks @opentelemetry/exporter-trace-otlp-http
 *   docker run --rm -p 16686:16686 -p 4318:4318 jaegertracing/all-in-one   # a collector with a UI
 *   npx tsx examples/telemetry-otlp.ts            # offline: the scripted model
 *   npx tsx examples/telemetry-otlp.ts --live     # a real model
 *
 * Then open http://localhost:16686 and find the service "codex-rx-example".
 * OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318) says where the traces go.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Codex, Sandbox, ApprovalMode, answerServerRequests } from 'codex-rx';
import { assistantMessage, execCommand, response, startScriptedCodex } from 'codex-rx/testing';

// Without a context manager, `context.with` and `startActiveSpan` do nothing in Node: the turn
// would not find the app's span, and would start a trace of its own.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

const tracerProvider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'codex-rx-example' }),
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
});
trace.setGlobalTracerProvider(tracerProvider);

const live = process.argv.includes('--live');
const scripted = live ? undefined : await startScriptedCodex({ codex: { telemetry: { tracerProvider } } });
const codex = scripted?.codex ?? (await Codex.connect({ telemetry: { tracerProvider } }));
scripted?.mock.enqueue(response(execCommand('ls')), response(assistantMessage('The workspace is empty.')));

try {
  // The person's answer to the approval is its own span (`await_approval`), apart from the command's run.
  const approvals = codex.serverRequests$
    .pipe(answerServerRequests('item/commandExecution/requestApproval', async () => ({ decision: 'accept' as const })))
    .subscribe({ error: console.error });
  const tracer = trace.getTracer('my-app');
  await tracer.startActiveSpan('handle request', async (span) => {
    try {
      const thread = await codex.threadStart({ sandbox: Sandbox.workspaceWrite, approvalMode: ApprovalMode.askUser });
      const result = await thread.run('What is in this directory?');
      console.log(result.finalResponse);
      console.log(`trace ${span.spanContext().traceId}`);
    } finally {
      span.end();
    }
  });
  approvals.unsubscribe();
} finally {
  await (scripted?.dispose() ?? codex.close());
  // Spans are batched: flush them before the process ends.
  await tracerProvider.shutdown();
}
