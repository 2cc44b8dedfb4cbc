import { expect } from 'chai';
import type { CodexDiagnostic } from '../../src/client/codex-diagnostic.js';
import fc from 'fast-check';
import { Codex } from '../../src/client/codex.js';
import type { ConnectionDiagnostic } from '../../src/connection/rpc-connection.js';
import { DecodeError } from '../../src/errors/decode-error.js';
import type { JsonRpcMessage } from '../../src/jsonrpc/json-rpc-message.js';
import { serverNotificationCodecs, serverRequestCodecs } from '../../src/protocol/generated/methods.js';
import { FakeTurnServer } from '../support/fake-turn-server.js';
import { UnhandledErrorWatch, settle } from '../support/no-unhandled-errors.js';

/** An array nested `depth` deep: deeper than a recursive walk of the value can follow. */
function nested(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
}

/** Values that broke the client before: an object whose `toString` is no function, a very deep array. */
const HOSTILE: readonly unknown[] = [{ toString: 1 }, { valueOf: 'x', toString: null }, nested(10_000), { __proto__: null }, { code: -32001 }];

const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE) },
);
const knownNotification = fc.constantFrom(...Object.keys(serverNotificationCodecs));
const knownServerRequest = fc.constantFrom(...Object.keys(serverRequestCodecs));

/**
 * One message from the server, with any JSON value in one or more positions. `pending` picks one
 * of the client's unanswered ids, so responses to real requests get hostile members too.
 */
const message = fc.oneof(
  fc.record({ kind: fc.constant('response' as const), pending: fc.nat(), result: anyJson }),
  fc.record({ kind: fc.constant('failure' as const), pending: fc.nat(), error: anyJson }),
  fc.record({ kind: fc.constant('both' as const), pending: fc.nat(), result: anyJson, error: anyJson }),
  fc.record({ kind: fc.constant('stray' as const), id: anyJson, result: anyJson, error: anyJson }),
  fc.record({ kind: fc.constant('notification' as const), method: fc.oneof(knownNotification, anyJson), params: anyJson }),
  fc.record({ kind: fc.constant('request' as const), id: anyJson, method: fc.oneof(knownServerRequest, anyJson), params: anyJson }),
  fc.record({ kind: fc.constant('frame' as const), frame: anyJson }),
);

type Message = typeof message extends fc.Arbitrary<infer M> ? M : never;

function frameOf(m: Message, pendingIds: readonly unknown[]): JsonRpcMessage {
  const pick = (n: number) => (pendingIds.length === 0 ? n : pendingIds[n % pendingIds.length]);
  switch (m.kind) {
    case 'response':
      return { id: pick(m.pending), result: m.result } as JsonRpcMessage;
    case 'failure':
      return { id: pick(m.pending), error: m.error } as JsonRpcMessage;
    case 'both':
      return { id: pick(m.pending), result: m.result, error: m.error } as JsonRpcMessage;
    case 'stray':
      return { id: m.id, result: m.result, error: m.error } as JsonRpcMessage;
    case 'notification':
      return { method: m.method, params: m.params } as JsonRpcMessage;
    case 'request':
      return { id: m.id, method: m.method, params: m.params } as JsonRpcMessage;
    case 'frame':
      return m.frame as JsonRpcMessage;
  }
}

describe('any JSON from the server (property): no uncaught exception, no caller left waiting', function () {
  this.timeout(120_000);
  const watch = new UnhandledErrorWatch();
  beforeEach(() => watch.start());
  afterEach(() => watch.stop());

  it('every call settles, the connection keeps serving, and nothing is thrown', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), async (messages, calls, uiSubscribed) => {
        const server = new FakeTurnServer();
        server.autoPlay = false;
        // thread/list stays unanswered: the hostile messages answer it, or close() does.
        server.otherwise = (request) => (request.method === 'thread/list' ? undefined : { result: {} });
        const codex = await Codex.connect({ transport: () => server.transport, validateResults: false, requestTimeoutMs: 0 });
        const diagnostics: CodexDiagnostic[] = [];
        codex.diagnostics$.subscribe({ next: (d) => diagnostics.push(d), error: () => {} });
        // A UI that sees server requests keeps them open until close; with none they get defaults.
        if (uiSubscribed) codex.serverRequests$.subscribe({ next: () => {}, error: () => {} });
        const thread = await codex.threadStart();
        const turn = await thread.turn('hello');
        const settled: boolean[] = [];
        const listCalls = Array.from({ length: calls }, (_, i) =>
          codex.threadList().then(
            () => (settled[i] = true),
            () => (settled[i] = true),
          ),
        );
        const turnResult = turn.run().catch((error: unknown) => error as Error);
        await settle(0);
        const pendingIds = server.transport.requests('thread/list').map((request) => request.id);
        for (const m of messages) server.transport.receive(frameOf(m, pendingIds));
        await settle(0);

        // Still serving: the turn completes from its own frames, a new request gets its answer.
        server.play(turn.id);
        const result = await turnResult;
        if (!(result instanceof Error)) expect(result.finalResponse).to.equal('Hello world');
        server.otherwise = () => ({ result: { data: [], nextCursor: null, backwardsCursor: null } });
        expect((await codex.threadList()).data).to.deep.equal([]);

        await codex.close();
        await Promise.all(listCalls);
        expect(settled.filter(Boolean)).to.have.length(calls);
        await settle(0);
        expect(watch.errors, 'uncaught exceptions or unhandled rejections').to.deep.equal([]);
      }),
      { numRuns: 150 },
    );
  });

  describe('the inputs that crashed or stranded a caller', () => {
    async function connected() {
      const server = new FakeTurnServer();
      server.otherwise = (request) => (request.method === 'thread/list' ? undefined : { result: {} });
      const codex = await Codex.connect({ transport: () => server.transport, validateResults: false });
      const diagnostics: CodexDiagnostic[] = [];
      codex.diagnostics$.subscribe({ next: (d) => diagnostics.push(d), error: () => {} });
      return { server, codex, diagnostics };
    }

    afterEach(async () => {
      await settle(10);
      expect(watch.errors, 'uncaught exceptions or unhandled rejections').to.deep.equal([]);
    });

    for (const [name, id] of [
      ['{"toString":1}', { toString: 1 }],
      ['an array nested 10,000 deep', nested(10_000)],
    ] as const) {
      it(`a response whose id is ${name} is reported, and the connection goes on`, async () => {
        const { server, codex, diagnostics } = await connected();
        server.transport.receive({ id, result: {} } as unknown as JsonRpcMessage);
        await settle(0);
        expect(diagnostics.map((d) => d.kind)).to.deep.equal(['unexpected-response']);
        const listed = codex.threadList();
        await settle(0);
        const request = server.transport.requests('thread/list').at(-1)!;
        server.transport.receive({ id: request.id, result: { data: [], nextCursor: null } });
        expect((await listed).data).to.deep.equal([]);
        await codex.close();
      });
    }

    for (const error of [null, 'boom', 42, [], { code: 'x', message: 'y' }, { message: 'no code' }]) {
      it(`{"id": N, "error": ${JSON.stringify(error)}} rejects the call with a DecodeError`, async () => {
        const { server, codex, diagnostics } = await connected();
        const listed = codex.threadList().catch((e: unknown) => e);
        await settle(0);
        const request = server.transport.requests('thread/list').at(-1)!;
        server.transport.receive({ id: request.id, error } as unknown as JsonRpcMessage);
        const failure = await listed;
        expect(failure).to.be.instanceOf(DecodeError);
        expect((failure as DecodeError).method).to.equal('thread/list');
        expect(diagnostics.map((d) => d.kind)).to.deep.equal(['decode-error']);
        await codex.close();
      });
    }

    it('a server request with a hostile id or method is reported; one with a hostile method and a usable id gets an error answer', async () => {
      const { server, codex, diagnostics } = await connected();
      server.transport.receive({ id: { toString: 1 }, method: 'item/tool/call', params: {} } as unknown as JsonRpcMessage);
      server.transport.receive({ id: 77, method: { toString: 1 }, params: nested(10_000) } as unknown as JsonRpcMessage);
      server.transport.receive({ method: 'turn/started', params: nested(10_000) } as unknown as JsonRpcMessage);
      await settle(0);
      expect(diagnostics.map((d) => d.kind)).to.deep.equal(['invalid-message', 'invalid-message', 'decode-error']);
      expect(server.transport.sent.find((m) => 'id' in m && m.id === 77 && 'error' in m)).to.deep.include({
        error: { code: -32600, message: 'the method of a request must be a string' },
      });
      await codex.close();
    });
  });
});
