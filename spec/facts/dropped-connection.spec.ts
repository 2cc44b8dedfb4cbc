import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Turn } from '../../src/protocol/generated/codecs.js';
import type { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { gate } from '../../src/testing/script/gate.js';
import { response } from '../../src/testing/script/response.js';
import { eventually, recordNotifications, serversPerTest, text, type Endpoint, type EndpointKind } from './endpoints.js';

/** A turn's items as `type:text`, enough to tell which parts of the turn are there. */
function itemsOf(turn: Turn): string[] {
  return turn.items.map((item) => {
    if (item.type === 'agentMessage') return `agentMessage:${item.text}`;
    if (item.type === 'userMessage') return `userMessage:${item.content.map((part) => (part.type === 'text' ? part.text : part.type)).join('')}`;
    return item.type;
  });
}

/** Facts about the real app-server that a client reconnecting to it relies on; the README lists them. */
describe('server facts: a connection that goes away', function () {
  this.timeout(60_000);

  for (const kind of ['ws', 'unix'] as EndpointKind[]) {
    describe(`over ${kind}`, () => {
      const servers = serversPerTest();
      let harness: AppServerHarness;
      let endpoint: Endpoint;
      beforeEach(async () => {
        harness = servers.harness;
        endpoint = await servers.start(kind);
      });

      /** Starts a turn on a new thread from its own connection, held by the model after the first delta, then closes that connection. */
      async function turnOfAClosedConnection() {
        const first = await endpoint.connect();
        const seenByFirst = recordNotifications(first);
        const hold = gate('after the first delta');
        harness.mock.enqueue(response(deltas(['first ']), hold, deltas(['second'])));
        const { thread } = await first.request('thread/start', { cwd: harness.workspace });
        const { turn } = await first.request('turn/start', { threadId: thread.id, input: text('hi') });
        await eventually('the first delta', () => seenByFirst.some((n) => n.method === 'item/agentMessage/delta'));
        await first.close();
        return { threadId: thread.id, turnId: turn.id, hold };
      }

      it('runs a turn on when the connection that started it closes; thread/resume on a new connection answers with it in progress, then streams the rest of it', async () => {
        const { threadId, turnId, hold } = await turnOfAClosedConnection();
        const second = await endpoint.connect();
        const seen = recordNotifications(second);
        expect((await second.request('thread/loaded/list', {})).data).to.include(threadId);
        // The model's answer was not cut: the turn is still waiting on it, not interrupted.
        expect(harness.mock.activeResponses).to.equal(1);

        const { thread } = await second.request('thread/resume', { threadId });
        expect(thread.status).to.deep.equal({ type: 'active', activeFlags: [] });
        expect(thread.turns.map((t) => [t.id, t.status])).to.deep.equal([[turnId, 'inProgress']]);
        expect(itemsOf(thread.turns[0]!)).to.deep.equal(['userMessage:hi', 'agentMessage:first ']);

        hold.open();
        const completed = await eventually('turn/completed', () => seen.find((n) => n.method === 'turn/completed'));
        expect(completed.method === 'turn/completed' && completed.params.turn).to.include({ id: turnId, status: 'completed' });
        const ofTurn = seen.filter((n) => 'turnId' in n.params && n.params.turnId === turnId).map((n) => n.method);
        expect(ofTurn).to.include.members(['item/agentMessage/delta', 'item/completed', 'thread/tokenUsage/updated']);
        const resumedDeltas = seen.flatMap((n) => (n.method === 'item/agentMessage/delta' ? [n.params.delta] : []));
        expect(resumedDeltas).to.deep.equal(['second']);
        expect(harness.mock.requests).to.have.length(1);
      });

      it('stores a turn that finished while no client was connected as completed with all its items, but no token usage; resuming the thread reports the usage', async () => {
        const { threadId, turnId, hold } = await turnOfAClosedConnection();
        hold.open();
        await eventually('the model answer to end', () => harness.mock.activeResponses === 0);
        const second = await endpoint.connect();
        const seen = recordNotifications(second);
        const stored = await eventually('the turn to be stored as ended', async () => {
          const { thread } = await second.request('thread/read', { threadId, includeTurns: true });
          return thread.status.type === 'idle' ? thread.turns : undefined;
        });
        expect(stored.map((t) => [t.id, t.status, t.error ?? null])).to.deep.equal([[turnId, 'completed', null]]);
        expect(itemsOf(stored[0]!)).to.deep.equal(['userMessage:hi', 'agentMessage:first ', 'agentMessage:second']);
        expect(stored[0]!.completedAt).to.be.a('number');
        expect(stored[0]!.durationMs).to.be.a('number');
        expect(stored[0]).to.not.have.property('usage');
        // Without a resume, the new connection hears the thread's status but none of the turn's events.
        expect(seen.filter((n) => n.method.startsWith('item/') || n.method.startsWith('turn/'))).to.deep.equal([]);

        await second.request('thread/resume', { threadId });
        const usage = await eventually('thread/tokenUsage/updated', () => seen.find((n) => n.method === 'thread/tokenUsage/updated'));
        expect(usage.method === 'thread/tokenUsage/updated' && usage.params.turnId).to.equal(turnId);
      });
    });
  }

  describe('a server that stops mid-turn, restarted on the same CODEX_HOME', () => {
    const servers = serversPerTest();
    let harness: AppServerHarness;
    beforeEach(() => (harness = servers.harness));
    const start = (): Promise<Endpoint> => servers.start('ws');

    /** A turn held by the model after its first delta, on a new thread of `endpoint`. */
    async function heldTurn(endpoint: Endpoint) {
      const connection = await endpoint.connect();
      const seen = recordNotifications(connection);
      const hold = gate('after the first delta');
      harness.mock.enqueue(response(deltas(['first ']), hold, deltas(['second'])));
      const { thread } = await connection.request('thread/start', { cwd: harness.workspace });
      const { turn } = await connection.request('turn/start', { threadId: thread.id, input: text('hi') });
      await eventually('the first delta', () => seen.some((n) => n.method === 'item/agentMessage/delta'));
      return { threadId: thread.id, turnId: turn.id, hold, seen };
    }

    /** Whether the rollout file of `threadId` under `codexHome` holds `needle`. */
    async function rolloutHas(codexHome: string, threadId: string, needle: string): Promise<boolean> {
      const files = await readdir(join(codexHome, 'sessions'), { recursive: true }).catch(() => []);
      const rollout = files.find((file) => file.endsWith('.jsonl') && file.includes(threadId));
      return rollout !== undefined && (await readFile(join(codexHome, 'sessions', rollout), 'utf8')).includes(needle);
    }

    function exited(endpoint: Endpoint): Promise<void> {
      const child = endpoint.server.child;
      return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('close', () => resolve()));
    }

    it('SIGKILL: the turn is stored interrupted with the items it had; thread/read shows it without a resume, and the resumed thread takes new turns', async () => {
      const before = await start();
      const { threadId, turnId, hold } = await heldTurn(before);
      // The server writes what it streamed to its rollout file a moment after sending it: killed
      // before that, the partial message is simply not there. The fact is about what was stored.
      await eventually('the partial message in the rollout', () => rolloutHas(harness.codexHome, threadId, '"first "'));
      const gone = exited(before);
      before.server.child.kill('SIGKILL');
      await gone;
      hold.open();

      const after = await start();
      const connection = await after.connect();
      expect((await connection.request('thread/loaded/list', {})).data).to.deep.equal([]);
      const { thread } = await connection.request('thread/read', { threadId, includeTurns: true });
      expect(thread.status).to.deep.equal({ type: 'notLoaded' });
      expect(thread.turns.map((t) => [t.id, t.status, t.completedAt ?? null])).to.deep.equal([[turnId, 'interrupted', null]]);
      expect(itemsOf(thread.turns[0]!)).to.deep.equal(['userMessage:hi', 'agentMessage:first ']);

      const resumed = await connection.request('thread/resume', { threadId });
      expect(resumed.thread.status).to.deep.equal({ type: 'idle' });
      const seen = recordNotifications(connection);
      harness.mock.enqueue(response(deltas(['again'])));
      const { turn } = await connection.request('turn/start', { threadId, input: text('again') });
      const completed = await eventually('turn/completed', () => seen.find((n) => n.method === 'turn/completed'));
      expect(completed.method === 'turn/completed' && completed.params.turn).to.include({ id: turn.id, status: 'completed' });
    });

    it('SIGTERM: the server finishes the running turn (stored completed) before it exits 0, serving its connections meanwhile', async () => {
      const before = await start();
      const { threadId, turnId, hold, seen } = await heldTurn(before);
      const gone = exited(before);
      before.server.child.kill('SIGTERM');
      // Still running while the turn waits on the model (the bound only tells "not yet" from "exited").
      const early = await Promise.race([gone.then(() => 'exited'), new Promise((resolve) => setTimeout(() => resolve('running'), 1_000))]);
      expect(early).to.equal('running');
      hold.open();
      await gone;
      expect(before.server.child.exitCode).to.equal(0);
      // The connection saw the turn to its last item; turn/completed itself may be cut off by the exit.
      const deltasSeen = () => seen.flatMap((n) => (n.method === 'item/agentMessage/delta' ? [n.params.delta] : []));
      await eventually('the last delta', () => deltasSeen().length === 2);
      expect(deltasSeen()).to.deep.equal(['first ', 'second']);
      const after = await start();
      const { thread } = await (await after.connect()).request('thread/read', { threadId, includeTurns: true });
      expect(thread.turns.map((t) => [t.id, t.status])).to.deep.equal([[turnId, 'completed']]);
      expect(itemsOf(thread.turns[0]!)).to.deep.equal(['userMessage:hi', 'agentMessage:first ', 'agentMessage:second']);
    });
  });
});
