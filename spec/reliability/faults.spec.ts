import { expect } from 'chai';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { Codex } from '../../src/client/codex.js';
import '../../src/client/node-transport.js';
import type { Thread } from '../../src/client/thread.js';
import type { TurnHandle } from '../../src/client/turn-handle.js';
import { CodexBinaryNotFoundError } from '../../src/errors/codex-binary-not-found-error.js';
import { TransportClosedError } from '../../src/errors/transport-closed-error.js';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { MockResponsesServer } from '../../src/testing/mock-responses-server.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { gate } from '../../src/testing/script/gate.js';
import { response } from '../../src/testing/script/response.js';
import { StdioTransport } from '../../src/transport/stdio-transport.js';
import { UnhandledErrorWatch, settle } from '../support/no-unhandled-errors.js';
import { isProcessAlive, startWebSocketServer } from '../support/server-processes.js';

const TOKEN = 'fault-spec-token-0123456789abcdef';

/** A process that has exited but was not waited for shows as a zombie (state Z) in /proc. */
function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

interface Streaming {
  readonly threads: Thread[];
  readonly turns: TurnHandle[];
  /** How each turn's events$ ended: with the error, or 'completed'. */
  readonly eventEnds: Promise<unknown>[];
  readonly runs: Promise<unknown>[];
  /** A second turn per thread, waiting for the first to end: how each `turn()` call ended. */
  readonly queued: Promise<unknown>[];
}

/**
 * Five threads, each with a turn whose events are streaming (the model holds its answer open)
 * and a second turn waiting for it, when the fault hits.
 */
async function startStreaming(codex: Codex): Promise<Streaming> {
  const threads = await Promise.all(Array.from({ length: 5 }, () => codex.threadStart()));
  const turns: TurnHandle[] = [];
  const queued: Promise<unknown>[] = [];
  for (const thread of threads) {
    const first = await thread.turn('first turn');
    await firstValueFrom(first.events$.pipe(filter((e) => e.method === 'item/agentMessage/delta')));
    turns.push(first);
    queued.push(thread.turn('second turn').then(() => 'started', (error: unknown) => error));
  }
  const eventEnds = turns.map((turn) =>
    lastValueFrom(turn.events$.pipe(toArray())).then(
      () => 'completed',
      (error: unknown) => error,
    ),
  );
  const runs = turns.map((turn) => turn.run().then(() => 'completed', (error: unknown) => error));
  return { threads, turns, eventEnds, runs, queued };
}

describe('faults: nothing hangs, everything fails with a typed error', function () {
  this.timeout(60_000);
  const watch = new UnhandledErrorWatch();
  let harness: AppServerHarness;
  beforeEach(async () => {
    watch.start();
    // Every model call streams a little and then holds its response open: the turns keep running.
    const mock = await MockResponsesServer.start({ whenEmpty: () => response(deltas(['streaming ', 'along']), gate()) });
    harness = await AppServerHarness.create({ mock });
  });
  afterEach(async () => {
    await settle();
    watch.stop();
    await harness.dispose();
    await harness.mock.close();
    expect(watch.errors, 'unhandled rejections or uncaught exceptions').to.deep.equal([]);
  });

  it('SIGKILL of the server fails every stream, run() and pending request with TransportClosedError, promptly', async () => {
    let transport!: StdioTransport;
    const codex = await Codex.connect({ transport: () => (transport = new StdioTransport({ env: harness.env, cwd: harness.workspace })) });
    const streaming = await startStreaming(codex);
    const pending = codex.request('command/exec', { command: ['sleep', '30'], cwd: harness.workspace }).then(
      () => 'answered',
      (error: unknown) => error,
    );
    const killedAt = performance.now();
    process.kill(transport.pid!, 'SIGKILL');
    const outcomes = await Promise.all([...streaming.eventEnds, ...streaming.runs, ...streaming.queued, pending]);
    const elapsedMs = performance.now() - killedAt;
    console.log(`      ${outcomes.length} streams, runs and requests failed ${elapsedMs.toFixed(1)} ms after SIGKILL`);
    for (const outcome of outcomes) {
      expect(outcome).to.be.instanceOf(TransportClosedError);
      expect((outcome as TransportClosedError).signal).to.equal('SIGKILL');
      expect((outcome as TransportClosedError).message).to.contain('SIGKILL');
      expect((outcome as TransportClosedError).stderrTail).to.be.an('array');
    }
    await codex.close();
    await codex.close();
    expect(isProcessAlive(transport.pid!) && !isZombie(transport.pid!)).to.equal(false);
  });

  it('a WebSocket dropped by the server mid-turn fails every stream and run() with TransportClosedError', async () => {
    const server = await startWebSocketServer({ dir: harness.codexHome, env: harness.env, dispose: async () => undefined }, TOKEN);
    const codex = await Codex.connect({ transport: { url: server.url, token: TOKEN } });
    try {
      const streaming = await startStreaming(codex);
      const pending = codex.request('command/exec', { command: ['sleep', '30'], cwd: harness.workspace }).then(
        () => 'answered',
        (error: unknown) => error,
      );
      server.child.kill('SIGKILL');
      const outcomes = await Promise.all([...streaming.eventEnds, ...streaming.runs, ...streaming.queued, pending]);
      for (const outcome of outcomes) {
        expect(outcome).to.be.instanceOf(TransportClosedError);
        expect((outcome as TransportClosedError).closeCode).to.be.a('number');
      }
    } finally {
      await codex.close();
      await server.stop();
    }
  });

  it('close() while turns run ends them with a clear error, reaps the child, and is idempotent', async () => {
    let transport!: StdioTransport;
    const codex = await Codex.connect({ transport: () => (transport = new StdioTransport({ env: harness.env, cwd: harness.workspace })) });
    const streaming = await startStreaming(codex);
    await Promise.all([codex.close(), codex.close()]);
    const outcomes = await Promise.all([...streaming.eventEnds, ...streaming.runs, ...streaming.queued]);
    for (const outcome of outcomes) {
      expect(outcome).to.be.instanceOf(TransportClosedError);
      expect((outcome as Error).message).to.match(/closed/);
    }
    expect(isProcessAlive(transport.pid!)).to.equal(false);
    expect(isZombie(transport.pid!)).to.equal(false);
    await codex.close();
    const started = performance.now();
    const calls = await Promise.all([
      codex.threadStart().catch((e: unknown) => e),
      codex.threadList().catch((e: unknown) => e),
      streaming.threads[0]!.run('after close').catch((e: unknown) => e),
      codex.ready().catch((e: unknown) => e),
    ]);
    for (const error of calls) {
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message).to.contain('closed');
    }
    expect(performance.now() - started).to.be.below(100);
  });

  it('a missing or non-executable binary is a clear error and starts nothing', async () => {
    const missing = join(harness.workspace, 'no-such-codex');
    const error = (await Codex.connect({ codexBin: missing }).catch((e: unknown) => e)) as CodexBinaryNotFoundError;
    expect(error).to.be.instanceOf(CodexBinaryNotFoundError);
    expect(error.message).to.contain(missing);

    const notExecutable = join(harness.workspace, 'codex-not-executable');
    writeFileSync(notExecutable, '#!/bin/sh\nexit 0\n');
    chmodSync(notExecutable, 0o644);
    const second = (await Codex.connect({ codexBin: notExecutable }).catch((e: unknown) => e)) as CodexBinaryNotFoundError;
    expect(second).to.be.instanceOf(CodexBinaryNotFoundError);
    expect(second.message).to.contain('executable');
    expect(existsSync(notExecutable)).to.equal(true);
  });
});
