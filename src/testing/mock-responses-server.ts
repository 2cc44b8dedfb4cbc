import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import { RecordedRequest } from './recorded-request.js';
import { httpError } from './script/http-error.js';
import type { ResponseScript, ScriptStep, SseResponseScript } from './script/response-script.js';

/**
 * What the mock answers when a model request finds no queued script.
 *
 * @example
 * const whenEmpty: WhenEmpty = () => response(assistantMessage('Nothing scripted'));
 * const mock = await MockResponsesServer.start({ whenEmpty });
 */
export type WhenEmpty = ResponseScript | (() => ResponseScript) | 'error';

/**
 * Options of `MockResponsesServer.start`.
 *
 * @example
 * const lenient = await MockResponsesServer.start({ whenEmpty: () => response(assistantMessage('ok')) });
 */
export interface MockResponsesServerOptions {
  /**
   * The answer to a model request when no queued script is left. By default `'error'`: HTTP 400
   * with a message that names the request, which fails the turn with that message in
   * `turn.error.message` (the server passes a 400 body through, whereas it replaces a 5xx body
   * with a generic "high demand" text), so an unexpected extra model request (a tool call's
   * follow-up, a `steer()`) is loud instead of silently taking the next test's answer. A test
   * that only cares about the client side can answer every request the same way instead, e.g.
   * `() => response(assistantMessage('ok'))`.
   */
  readonly whenEmpty?: WhenEmpty;
}

/**
 * Decides whether a queued script may answer a request; see `enqueueMatching`.
 *
 * @example
 * const asksForTests: RequestMatcher = (request) => request.userTexts().some((text) => text.includes('tests'));
 * mock.enqueueMatching(asksForTests, response(assistantMessage('Writing tests.')));
 */
export type RequestMatcher = (request: RecordedRequest) => boolean;

interface QueuedScript {
  readonly script: ResponseScript;
  readonly matches: RequestMatcher | undefined;
}

interface RequestWaiter {
  readonly count: number;
  readonly resolve: (requests: RecordedRequest[]) => void;
  readonly reject: (error: Error) => void;
}

const DEFAULTS: Required<MockResponsesServerOptions> = {
  whenEmpty: 'error',
};

const decoders: Readonly<Record<string, (input: Buffer) => Promise<Buffer>>> = {
  gzip: promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/**
 * A scripted stand-in for the OpenAI Responses API, on `127.0.0.1` and a free port, for running
 * the real app-server offline. Each `POST …/responses` takes the next queued `ResponseScript`
 * and plays it as server-sent events (with its delays and gates); every request is recorded.
 * `GET …/models` answers an empty list and anything else a JSON 404, so stray calls fail fast
 * instead of hanging. (The pinned app-server, configured by `AppServerHarness`, only ever calls
 * `POST /v1/responses`: one request per model call, i.e. one per turn plus one after every
 * tool call.)
 *
 * @example
 * const mock = await MockResponsesServer.start();
 * const harness = await AppServerHarness.create({ mock });
 * mock.enqueue(
 *   response(execCommand('touch created.txt')),
 *   response(deltas(['Created ', 'it.'], { phase: 'final_answer' })),
 * );
 * // … run a turn against the app-server …
 * const [first, followUp] = await mock.waitForRequests(2);
 * await harness.dispose();
 * await mock.close();
 */
export class MockResponsesServer {
  private readonly queue: QueuedScript[] = [];
  private readonly recordedModelRequests: RecordedRequest[] = [];
  private readonly recordedRequests: RecordedRequest[] = [];
  private readonly waiters = new Set<RequestWaiter>();
  private closing: Promise<void> | undefined;
  private streaming = 0;

  private constructor(
    private readonly server: Server,
    private readonly options: Required<MockResponsesServerOptions>,
    /** The Responses API base URL, e.g. `http://127.0.0.1:40123/v1`: the provider's `base_url`. */
    readonly url: string,
  ) {}

  /** Starts a mock on a free port of `127.0.0.1`. */
  static async start(options: MockResponsesServerOptions = {}): Promise<MockResponsesServer> {
    const server = createServer({ noDelay: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const settings = { whenEmpty: options.whenEmpty ?? DEFAULTS.whenEmpty };
    const mock = new MockResponsesServer(server, settings, `http://127.0.0.1:${port}/v1`);
    server.on('request', (request, reply) => void mock.handle(request, reply));
    return mock;
  }

  /** Model requests (`POST …/responses`) received so far, oldest first. */
  get requests(): readonly RecordedRequest[] {
    return this.recordedModelRequests;
  }

  /** Every HTTP request received so far, model requests and any other path, oldest first. */
  get allRequests(): readonly RecordedRequest[] {
    return this.recordedRequests;
  }

  /**
   * How many SSE responses are being played right now (including ones held at a gate). Drops
   * when a response ends or the app-server hangs up, e.g. on `turn/interrupt`.
   */
  get activeResponses(): number {
    return this.streaming;
  }

  /** How many queued scripts no request has taken yet. */
  get pendingScripts(): number {
    return this.queue.length;
  }

  /**
   * Queues scripts to answer the next model requests, one script per request, in order.
   *
   * When several threads call the model at once the order of their requests is up to the
   * server; use `enqueueMatching` to tie scripts to a thread or a prompt.
   */
  enqueue(...scripts: ResponseScript[]): void {
    for (const script of scripts) this.queue.push({ script, matches: undefined });
  }

  /**
   * Queues scripts that only a request accepted by `matches` may take. A request takes the
   * oldest queued script that accepts it (scripts from `enqueue` accept every request).
   *
   * @example
   * // Requests carry the thread id in a `thread-id` header.
   * mock.enqueueMatching((request) => request.headers['thread-id'] === thread.id, response(assistantMessage('A')));
   */
  enqueueMatching(matches: RequestMatcher, ...scripts: ResponseScript[]): void {
    for (const script of scripts) this.queue.push({ script, matches });
  }

  /**
   * Resolves with the first `count` model requests once that many have arrived. Fails after
   * `timeoutMs`, saying how many did arrive, rather than leaving the test to mocha's timeout.
   */
  waitForRequests(count: number, timeoutMs = 5_000): Promise<RecordedRequest[]> {
    if (this.recordedModelRequests.length >= count) return Promise.resolve(this.recordedModelRequests.slice(0, count));
    if (this.closing) return Promise.reject(new Error('MockResponsesServer is closed'));
    return new Promise<RecordedRequest[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new Error(
            `MockResponsesServer: waited ${timeoutMs} ms for ${count} model request(s), ` +
              `received ${this.recordedModelRequests.length}`,
          ),
        );
      }, timeoutMs);
      const waiter: RequestWaiter = {
        count,
        resolve: (requests) => {
          clearTimeout(timer);
          resolve(requests);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /**
   * Stops listening and cuts every open response (including ones held at a gate), so the
   * app-server sees a broken stream rather than waiting. Pending `waitForRequests` calls fail.
   * Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const waiter of this.waiters) waiter.reject(new Error('MockResponsesServer closed'));
      this.waiters.clear();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  private async handle(request: IncomingMessage, reply: ServerResponse): Promise<void> {
    try {
      const body = await readBody(request);
      const path = request.url ?? '/';
      const pathname = path.split('?')[0] ?? path;
      const method = request.method ?? 'GET';
      if (method === 'POST' && pathname.endsWith('/responses')) {
        await this.answerModelRequest(method, path, request, body, reply);
      } else {
        this.recordedRequests.push(new RecordedRequest(method, path, request.headers, body, new Date(), false));
        answerOtherPath(method, pathname, reply);
      }
    } catch (error) {
      if (!reply.headersSent) reply.writeHead(500, { 'content-type': 'application/json' });
      reply.end(JSON.stringify({ error: { message: `MockResponsesServer failed: ${String(error)}` } }));
    }
  }

  private async answerModelRequest(
    method: string,
    path: string,
    request: IncomingMessage,
    body: unknown,
    reply: ServerResponse,
  ): Promise<void> {
    // Record first without the `scripted` flag: matchers read the request, and need a RecordedRequest.
    const probe = new RecordedRequest(method, path, request.headers, body, new Date(), false);
    const index = this.queue.findIndex((entry) => entry.matches === undefined || entry.matches(probe));
    const taken = index >= 0 ? this.queue.splice(index, 1)[0] : undefined;
    const recorded = new RecordedRequest(method, path, request.headers, body, probe.receivedAt, taken !== undefined);
    this.recordedRequests.push(recorded);
    this.recordedModelRequests.push(recorded);
    this.notifyWaiters();
    const script = taken?.script ?? this.fallbackScript();
    if (script.kind === 'httpError') {
      const text = typeof script.body === 'string' ? script.body : JSON.stringify(script.body);
      reply.writeHead(script.status, { 'content-type': 'application/json', ...script.headers });
      reply.end(text);
      return;
    }
    this.streaming += 1;
    try {
      await playSse(script, reply);
    } finally {
      this.streaming -= 1;
    }
  }

  private fallbackScript(): ResponseScript {
    const { whenEmpty } = this.options;
    if (whenEmpty === 'error') {
      const number = this.recordedModelRequests.length;
      return httpError(400, {
        error: {
          message: `MockResponsesServer: no scripted response for model request #${number}`,
          type: 'invalid_request_error',
        },
      });
    }
    return typeof whenEmpty === 'function' ? whenEmpty() : whenEmpty;
  }

  private notifyWaiters(): void {
    for (const waiter of this.waiters) {
      if (this.recordedModelRequests.length >= waiter.count) {
        this.waiters.delete(waiter);
        waiter.resolve(this.recordedModelRequests.slice(0, waiter.count));
      }
    }
  }
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  let raw: Buffer = Buffer.concat(chunks);
  const encoding = request.headers['content-encoding'];
  const decode = encoding === undefined ? undefined : decoders[encoding];
  if (decode) raw = await decode(raw);
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function answerOtherPath(method: string, pathname: string, reply: ServerResponse): void {
  if (method === 'GET' && pathname.endsWith('/models')) {
    // Both list shapes: the OpenAI API's `data` and the Codex backend's `models`.
    reply.writeHead(200, { 'content-type': 'application/json' });
    reply.end(JSON.stringify({ object: 'list', data: [], models: [] }));
    return;
  }
  reply.writeHead(404, { 'content-type': 'application/json' });
  reply.end(JSON.stringify({ error: { message: `MockResponsesServer does not serve ${method} ${pathname}`, type: 'not_found' } }));
}

/** Writes the script's events as SSE, honouring delays and gates, until done or the client leaves. */
async function playSse(script: SseResponseScript, reply: ServerResponse): Promise<void> {
  reply.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  reply.flushHeaders();
  let gone = false;
  const clientGone = new Promise<void>((resolve) =>
    reply.once('close', () => {
      gone = true;
      resolve();
    }),
  );
  for (const step of script.steps) {
    if (gone) return;
    await playStep(step, reply, clientGone);
  }
  if (!gone) reply.end();
}

async function playStep(step: ScriptStep, reply: ServerResponse, clientGone: Promise<void>): Promise<void> {
  switch (step.kind) {
    case 'event':
      reply.write(`event: ${step.event.type}\ndata: ${JSON.stringify(step.event)}\n\n`);
      return;
    case 'delay': {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, step.ms))), clientGone]);
      clearTimeout(timer);
      return;
    }
    case 'gate':
      step.notifyReached();
      await Promise.race([step.opened, clientGone]);
      return;
  }
}
