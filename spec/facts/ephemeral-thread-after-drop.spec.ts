import { expect } from 'chai';
import { InvalidRequestError } from '../../src/jsonrpc/json-rpc-error.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { gate } from '../../src/testing/script/gate.js';
import { response } from '../../src/testing/script/response.js';
import { eventually, recordNotifications, serversPerTest, text } from './endpoints.js';

/** What a new connection can do with an ephemeral thread whose connection closed mid-turn: the facts behind the client's rule for them. */
describe('server facts: an ephemeral thread after its connection closed', function () {
  this.timeout(60_000);
  const servers = serversPerTest();

  it('cannot be resumed, read with turns or listed; a turn started on it from another connection runs without sending that connection its events', async () => {
    const { harness } = servers;
    const endpoint = await servers.start('ws');
    const first = await endpoint.connect();
    const seenByFirst = recordNotifications(first);
    const hold = gate('mid-turn');
    harness.mock.enqueue(response(deltas(['first ']), hold, deltas(['second'])));
    const { thread } = await first.request('thread/start', { cwd: harness.workspace, ephemeral: true });
    expect(thread.ephemeral).to.equal(true);
    await first.request('turn/start', { threadId: thread.id, input: text('hi') });
    await eventually('the first delta', () => seenByFirst.some((n) => n.method === 'item/agentMessage/delta'));
    await first.close();

    const second = await endpoint.connect();
    const seen = recordNotifications(second);
    expect((await second.request('thread/loaded/list', {})).data).to.include(thread.id);
    const refused = async (call: Promise<unknown>): Promise<string> => {
      const error = await call.then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(InvalidRequestError);
      return (error as Error).message;
    };
    expect(await refused(second.request('thread/resume', { threadId: thread.id }))).to.match(/no rollout found/);
    expect(await refused(second.request('thread/read', { threadId: thread.id, includeTurns: true }))).to.match(/ephemeral/);
    expect(await refused(second.request('thread/turns/list', { threadId: thread.id, limit: 5 }))).to.match(/ephemeral/);
    // Its status can still be read.
    expect((await second.request('thread/read', { threadId: thread.id, includeTurns: false })).thread.status.type).to.equal('active');

    hold.open();
    await eventually('the turn to end', async () => (await second.request('thread/read', { threadId: thread.id, includeTurns: false })).thread.status.type === 'idle' || undefined);
    const asked = harness.mock.requests.length;
    harness.mock.enqueue(response(assistantMessage('unseen answer')));
    const { turn } = await second.request('turn/start', { threadId: thread.id, input: text('again') });
    await eventually('the model asked', () => harness.mock.requests.length > asked || undefined);
    await eventually('the second turn to end', async () => (await second.request('thread/read', { threadId: thread.id, includeTurns: false })).thread.status.type === 'idle' || undefined);
    const ofTurn = seen.filter((n) => 'turnId' in n.params && (n.params as { turnId?: unknown }).turnId === turn.id);
    expect(ofTurn.map((n) => n.method)).to.deep.equal([]);
    expect(seen.some((n) => n.method === 'turn/completed')).to.equal(false);
    expect(seen.some((n) => n.method === 'thread/status/changed')).to.equal(true);
  });
});
