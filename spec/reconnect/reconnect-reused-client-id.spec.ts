import { expect } from 'chai';
import { ConnectionLostError } from '../../src/errors/connection-lost-error.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { response } from '../../src/testing/script/response.js';
import { startReconnectFixture, until, withinOrExplain, type ReconnectFixture } from './reconnect-fixture.js';

// A caller may give its own clientUserMessageId, and may give the same one twice: an earlier,
// finished turn carrying it is not the turn of a later call lost at a drop.
describe('reconnect: a caller-given clientUserMessageId used twice', function () {
  this.timeout(60_000);
  let fixture: ReconnectFixture;
  before(async () => {
    fixture = await startReconnectFixture();
  });
  after(async () => {
    await fixture.dispose();
  });

  it('a lost turn/start that never reached the server fails with ConnectionLostError, not with the earlier turn of the same id', async () => {
    const { codex, mock, proxy, harness } = fixture;
    const thread = await codex.threadStart({ cwd: harness.workspace });
    mock.enqueue(response(assistantMessage('first')));
    const params = { clientUserMessageId: 'the-same-id' };
    const first = await thread.run('a first turn', { params });
    proxy.stall(true);
    const lost = thread.run('never sent', { params }).then(
      (result) => result,
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    proxy.cutAll();
    proxy.stall(false);
    const outcome = await withinOrExplain(lost, fixture);
    expect(outcome, `resolved as the earlier turn ${first.id}`).to.be.instanceOf(ConnectionLostError);
  });

  it('a lost turn/start that reached the server follows its own turn, not the earlier turn of the same id', async () => {
    const { codex, mock, proxy, harness } = fixture;
    const thread = await codex.threadStart({ cwd: harness.workspace });
    mock.enqueue(response(assistantMessage('first')));
    const params = { clientUserMessageId: 'reused-again' };
    await thread.run('a first turn', { params });
    const asked = mock.requests.length;
    mock.enqueue(response(assistantMessage('second')));
    proxy.stallFromServer(true);
    const lost = thread.run('a second turn', { params }).then(
      (result) => result,
      (error: unknown) => error,
    );
    await until('the model asked', () => mock.requests.length > asked);
    proxy.cutAll();
    proxy.stallFromServer(false);
    const outcome = await withinOrExplain(lost, fixture);
    if (outcome instanceof Error) expect.fail(`run() rejected: ${outcome.name}: ${outcome.message}`);
    expect((outcome as { finalResponse: string }).finalResponse).to.equal('second');
  });
});
