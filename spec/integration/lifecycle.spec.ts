import { expect } from 'chai';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { response } from '../../src/testing/script/response.js';
import { scriptedCodexPerTest } from '../support/scripted-codex-per-test.js';

describe('thread lifecycle and account against the real app-server', function () {
  this.timeout(60_000);
  const scripted = scriptedCodexPerTest();

  it('names, reads, lists, resumes, forks, archives and unarchives threads', async () => {
    const { codex, mock } = scripted;
    mock.enqueue(response(assistantMessage('first answer')), response(assistantMessage('second answer')));
    const thread = await codex.threadStart();
    await thread.run('first question');
    await thread.run('second question');
    await thread.setName('My thread');

    const read = await thread.read({ includeTurns: true });
    expect(read.thread.id).to.equal(thread.id);
    expect(read.thread.name).to.equal('My thread');
    const messages = read.thread.turns.flatMap((turn) =>
      turn.items.flatMap((item) =>
        item.type === 'userMessage'
          ? item.content.flatMap((c) => (c.type === 'text' ? [`user: ${c.text}`] : []))
          : item.type === 'agentMessage'
            ? [`agent: ${item.text}`]
            : [],
      ),
    );
    expect(messages).to.deep.equal(['user: first question', 'agent: first answer', 'user: second question', 'agent: second answer']);

    const resumed = await codex.threadResume(thread.id);
    expect(resumed.id).to.equal(thread.id);
    const forked = await codex.threadFork(thread.id);
    expect(forked.id).to.not.equal(thread.id);

    const other = await codex.threadStart();
    mock.enqueue(response(assistantMessage('x')));
    await other.run('keep me active');
    await codex.threadArchive(thread.id);
    const active = await codex.threadList({ archived: false });
    const archived = await codex.threadList({ archived: true });
    expect(archived.data.map((t) => t.id)).to.include(thread.id);
    expect(active.data.map((t) => t.id)).to.not.include(thread.id);
    expect(active.data.map((t) => t.id)).to.include(other.id);

    const unarchived = await codex.threadUnarchive(thread.id);
    expect(unarchived.id).to.equal(thread.id);
    expect((await codex.threadList({ archived: false })).data.map((t) => t.id)).to.include(thread.id);
    expect((await codex.threadList({ archived: true })).data.map((t) => t.id)).to.not.include(thread.id);
  });

  it('lists models', async () => {
    const models = await scripted.codex.models();
    expect(models.data).to.be.an('array');
    const hidden = await scripted.codex.models({ includeHidden: true });
    expect(hidden.data.length).to.be.at.least(models.data.length);
  });

  it('compacts a thread with a second model request', async () => {
    const { codex, mock } = scripted;
    mock.enqueue(response(assistantMessage('an answer')), response(assistantMessage('A summary of the conversation.')));
    const thread = await codex.threadStart();
    await thread.run('hello');
    await thread.compact();
    const requests = await mock.waitForRequests(2, 15_000);
    expect(requests).to.have.length.of.at.least(2);
  });

  it('logs in with an API key, reads the account, and logs out', async () => {
    // A provider that needs OpenAI auth: otherwise the server reports no account at all.
    await scripted.restart({ harness: { config: { model_providers: { codex_rx_mock: { requires_openai_auth: true } } } } });
    const { codex } = scripted;
    expect((await codex.account()).account ?? null).to.equal(null);
    await codex.loginApiKey('sk-test-not-a-real-key');
    const account = await codex.account();
    expect(account.account).to.deep.include({ type: 'apiKey' });
    await codex.logout();
    const after = await codex.account();
    expect(after.account ?? null).to.equal(null);
  });

  it('starts a browser login, cancels it, and wait() reports the failure of that login', async () => {
    const login = await scripted.codex.loginChatgpt();
    expect(login.loginId).to.be.a('string').and.not.equal('');
    expect(login.authUrl).to.match(/^https:\/\//);
    const cancelled = await login.cancel();
    expect(cancelled.status).to.equal('canceled');
    const completion = await login.wait();
    expect(completion.loginId).to.equal(login.loginId);
    expect(completion.success).to.equal(false);
  });
});
