import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { FleetProducer } from '../../src/fleet/index.js';
import type { TurnResult } from '../../src/turns/turn-result.js';
import { RedisServer } from './support/redis-server.js';
import { WorkerProcess } from './support/worker-process.js';

/** The text the tool answered in a result's `dynamicToolCall` items. */
function toolOutputs(result: TurnResult): string[] {
  return result.items.flatMap((item) =>
    item.type === 'dynamicToolCall' && item.success === true ? (item.contentItems ?? []).flatMap((content) => (content.type === 'inputText' ? [content.text] : [])) : [],
  );
}

describe('codex-rx/fleet: a worker with --tools (real redis-server, worker process, real app-server)', function () {
  this.timeout(120_000);
  const queue = 'tools-spec';
  let redisServer: RedisServer;
  let producer: FleetProducer;
  let worker: WorkerProcess | undefined;
  const workerTmp = mkdtempSync(join(tmpdir(), 'codex-rx-fleet-tools-'));

  before(async function () {
    this.timeout(120_000);
    redisServer = await RedisServer.start();
    producer = await FleetProducer.connect({ redis: redisServer.url, queue });
    worker = await WorkerProcess.start({ redis: redisServer.url, queue, id: 'tools-worker', tmpDir: workerTmp, tools: 'spec/fleet/support/fleet-tools.ts', concurrency: 2 });
  });

  after(async function () {
    this.timeout(60_000);
    worker?.kill();
    await worker?.done.catch(() => undefined);
    await producer?.close();
    await redisServer?.dispose();
    rmSync(workerTmp, { recursive: true, force: true });
  });

  it('a job names the tools its thread gets; the worker runs them; a follow-up on the held thread keeps them', async () => {
    const first = await (await producer.submit({ input: 'tool:stamp first', thread: { tools: ['stamp'] } })).result();
    expect(toolOutputs(first)).to.have.length(1);
    expect(toolOutputs(first)[0]).to.match(/^stamped by \d+ \(call 1\): tool:stamp first$/);

    const followUp = await (await producer.submit({ input: 'tool:stamp again', thread: first.threadId })).result();
    expect(followUp.threadId).to.equal(first.threadId);
    expect(toolOutputs(followUp)[0]).to.match(/^stamped by \d+ \(call 2\): tool:stamp again$/);
  });

  it('a job naming a tool the worker does not have fails, saying which', async () => {
    const error = await (await producer.submit({ input: 'hello', thread: { tools: ['missing'] }, attempts: 1 })).result().catch((e: unknown) => e);
    expect(String((error as Error).message)).to.contain('has no tool named "missing"');
  });
});
