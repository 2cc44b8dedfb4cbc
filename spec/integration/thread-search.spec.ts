import { expect } from 'chai';
import type { CodexDiagnostic } from '../../src/client/codex-diagnostic.js';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { Codex } from '../../src/client/codex.js';
import type { ThreadSearchEvent } from '../../src/client/thread-search-event.js';
import type { ConnectionDiagnostic } from '../../src/connection/rpc-connection.js';
import type { JsonRpcRequest } from '../../src/jsonrpc/json-rpc-message.js';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { response } from '../../src/testing/script/response.js';
import { StdioTransport } from '../../src/transport/stdio-transport.js';
import { RecordingTransport } from '../support/recording-transport.js';

describe('streamed thread search, against the real app-server', function () {
  this.timeout(60_000);
  let harness: AppServerHarness;
  let recording: RecordingTransport;
  let codex: Codex;
  const zebraThreads: string[] = [];

  before(async () => {
    harness = await AppServerHarness.create();
    codex = new Codex({
      transport: () => (recording = new RecordingTransport(new StdioTransport({ env: harness.env, cwd: harness.workspace }))),
    });
    for (const prompt of ['Tell me about zebras', 'Tell me about otters', 'Zebra stripes, why?']) {
      harness.mock.enqueue(response(assistantMessage('Noted.')));
      const thread = await codex.threadStart();
      await thread.run(prompt);
      if (/zebra/i.test(prompt)) zebraThreads.push(thread.id);
    }
  });
  after(async () => {
    await codex.close();
    await harness.dispose();
  });

  it('emits provisional rows, then the final page, and completes', async () => {
    const events: ThreadSearchEvent[] = await lastValueFrom(codex.threadSearch$('zebra').pipe(toArray()));
    const final = events.at(-1)!;
    expect(final.type).to.equal('final');
    if (final.type !== 'final') return;
    expect(final.result.data.map((row) => row.thread.id)).to.have.members(zebraThreads);
    const partialRows = events.slice(0, -1).flatMap((event) => (event.type === 'partial' ? event.data : []));
    expect(events.slice(0, -1).every((event) => event.type === 'partial')).to.equal(true);
    for (const row of partialRows) expect(zebraThreads).to.include(row.thread.id);
  });

  it('takes full search params', async () => {
    const final = await lastValueFrom(codex.threadSearch$({ searchTerm: 'otters', limit: 5 }));
    expect(final.type === 'final' && final.result.data.length).to.equal(1);
  });

  it('unsubscribing before the final page cancels the search on the server, and the connection carries on', async () => {
    const diagnostics: CodexDiagnostic[] = [];
    const watching = codex.diagnostics$.subscribe((d) => diagnostics.push(d));
    const subscription = codex.threadSearch$('zebra').subscribe();
    subscription.unsubscribe();
    const stream = recording.sent.filter((m): m is JsonRpcRequest => 'method' in m && m.method === 'thread/search/stream').at(-1)!;
    expect(recording.paramsOf('thread/search/stream/cancel').at(-1)).to.deep.equal({ requestId: stream.id });
    // Later searches and requests are unaffected, and the cancelled search's late answer is no stray response.
    expect((await firstValueFrom(codex.threadSearch$('otters').pipe(toArray()))).at(-1)!.type).to.equal('final');
    await codex.threadList();
    watching.unsubscribe();
    expect(diagnostics.filter((d) => d.kind === 'unexpected-response')).to.deep.equal([]);
  });
});
