import { expect } from 'chai';
import { Sandbox } from '../../src/client/sandbox.js';
import { FleetProducer } from '../../src/fleet/fleet-producer.js';
import { FleetWorker } from '../../src/fleet/fleet-worker.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { execCommand } from '../../src/testing/script/exec-command.js';
import { response } from '../../src/testing/script/response.js';
import { startScriptedCodex, type ScriptedCodex } from '../../src/testing/scripted-codex.js';
import { RedisServer } from '../fleet/support/redis-server.js';
import { ms, TelemetryFixture } from './telemetry-fixture.js';

describe('telemetry of a fleet job, over real Redis and the real app-server', function () {
  this.timeout(60_000);
  let otel: TelemetryFixture;
  let redis: RedisServer | undefined;
  let scripted: ScriptedCodex | undefined;
  let worker: FleetWorker | undefined;
  let producer: FleetProducer | undefined;
  afterEach(async () => {
    await producer?.close();
    await worker?.close();
    await scripted?.dispose();
    await redis?.dispose();
    await otel.dispose();
  });

  it('one trace: submit → queued → process → invoke_agent → execute_command, the context carried in the job', async () => {
    otel = new TelemetryFixture();
    redis = await RedisServer.start('everysec');
    scripted = await startScriptedCodex({ codex: { telemetry: otel.config() } });
    scripted.mock.enqueue(response(execCommand('true')), response(assistantMessage('Reviewed.')));
    worker = await FleetWorker.start({ redis: redis.url, codex: scripted.codex, telemetry: otel.config(), concurrency: 1 });
    producer = await FleetProducer.connect({ redis: redis.url, telemetry: otel.config() });
    const tracer = otel.tracerProvider.getTracer('app');
    const handle = await tracer.startActiveSpan('review request', async (span) => {
      try {
        return await producer!.submit({ input: 'Review the diff', thread: { sandbox: Sandbox.workspaceWrite } });
      } finally {
        span.end();
      }
    });
    expect((await handle.result()).finalResponse).to.equal('Reviewed.');
    await otel.ended('process turns');

    const app = otel.span('review request');
    const submit = otel.span('submit turns');
    const queued = otel.span('queued turns');
    const process = otel.span('process turns');
    const turn = otel.span('invoke_agent codex');
    const command = otel.span('execute_command');
    const traceId = app.spanContext().traceId;
    for (const span of [submit, queued, process, turn, command]) expect(span.spanContext().traceId, otel.tree()).to.equal(traceId);
    expect(submit.parentSpanContext?.spanId).to.equal(app.spanContext().spanId);
    // The worker's spans hang off the producer's through the job, not through this process's context.
    for (const span of [queued, process]) {
      expect(span.parentSpanContext?.spanId, otel.tree()).to.equal(submit.spanContext().spanId);
      expect(span.parentSpanContext?.isRemote).to.equal(true);
    }
    expect(turn.parentSpanContext?.spanId, otel.tree()).to.equal(process.spanContext().spanId);
    expect(command.parentSpanContext?.spanId).to.equal(turn.spanContext().spanId);
    expect(submit.attributes).to.include({ 'messaging.system': 'bullmq', 'messaging.destination.name': 'turns', 'messaging.message.id': handle.id });
    expect(process.attributes).to.include({ 'messaging.message.id': handle.id, 'codex.fleet.attempt': 1 });
    expect(ms(queued.endTime)).to.be.at.most(ms(process.startTime) + 1);
    expect(ms(turn.endTime)).to.be.at.most(ms(process.endTime) + 1);
    console.log(`      the trace:\n${otel.tree().replace(/^/gm, '        ').replace(/ \{.*$/gm, '')}`);
  });
});
