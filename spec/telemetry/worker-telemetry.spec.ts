import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FleetProducer } from '../../src/fleet/fleet-producer.js';
import { RedisServer } from '../fleet/support/redis-server.js';
import { WorkerProcess } from '../fleet/support/worker-process.js';
import { TelemetryFixture } from './telemetry-fixture.js';

/** A span as the worker process wrote it (see support/register-file-exporter.mjs). */
interface SpanLine {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly attributes: Record<string, unknown>;
}

const REGISTER = pathToFileURL(resolve('spec/telemetry/support/register-file-exporter.mjs')).href;

describe('codex-rx worker --telemetry: a worker process over real Redis and its own real app-server', function () {
  this.timeout(60_000);
  let otel: TelemetryFixture;
  let redis: RedisServer | undefined;
  let worker: WorkerProcess | undefined;
  let producer: FleetProducer | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await producer?.close();
    if (worker !== undefined) await worker.terminate();
    await redis?.dispose();
    await otel.dispose();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('spans to the global provider the process registered: the job\'s process and turn spans, in the trace of the producer\'s submit', async () => {
    otel = new TelemetryFixture();
    dir = mkdtempSync(join(tmpdir(), 'codex-rx-worker-telemetry-'));
    const file = join(dir, 'spans.jsonl');
    redis = await RedisServer.start('everysec');
    const queue = 'worker-telemetry';
    worker = await WorkerProcess.start({
      redis: redis.url,
      queue,
      id: 'telemetry-worker',
      tmpDir: dir,
      concurrency: 1,
      telemetry: true,
      env: { NODE_OPTIONS: `--import ${REGISTER}`, CODEX_RX_SPEC_SPANS: file },
    });
    producer = await FleetProducer.connect({ redis: redis.url, queue, telemetry: otel.config() });
    const handle = await producer.submit({ input: 'hello from the producer' });
    expect((await handle.result()).status).to.equal('completed');

    const read = (): SpanLine[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as SpanLine) : []);
    const deadline = Date.now() + 10_000;
    while (!read().some((span) => span.name === `process ${queue}`) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
    const spans = read();
    const names = spans.map((span) => span.name);
    const submit = otel.span(`submit ${queue}`);
    const process = spans.find((span) => span.name === `process ${queue}`);
    const turn = spans.find((span) => span.name === 'invoke_agent codex');
    expect(process, JSON.stringify(names)).not.to.equal(undefined);
    expect(turn, JSON.stringify(names)).not.to.equal(undefined);
    // One trace across the two processes: the context travelled in the job.
    expect(process!.traceId).to.equal(submit.spanContext().traceId);
    expect(process!.parentSpanId).to.equal(submit.spanContext().spanId);
    expect(process!.attributes).to.include({ 'messaging.message.id': handle.id });
    expect(turn!.traceId).to.equal(submit.spanContext().traceId);
    expect(turn!.parentSpanId).to.equal(process!.spanId);
    expect(turn!.attributes).to.include({ 'gen_ai.operation.name': 'invoke_agent', 'codex.turn.status': 'completed' });
    // No content by default, in the worker too.
    expect(readFileSync(file, 'utf8')).not.to.contain('hello from the producer');
  });
});
