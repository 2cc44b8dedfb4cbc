import { Subject, type Observable } from 'rxjs';
import { HeldFrameStream } from '../../dist/transport/held-frame-stream.js';
import type { JsonRpcMessage, JsonRpcRequest, RequestId } from '../../src/jsonrpc/json-rpc-message.js';
import { JsonlDecoder } from '../../dist/transport/jsonl-decoder.js';
import type { Transport } from '../../src/transport/transport.js';
import type { TransportDiagnostic } from '../../src/transport/transport-diagnostic.js';

/** The `initialize` result of the pinned server, enough for `Codex` to read its metadata. */
const INITIALIZE_RESULT = {
  userAgent: 'codex_rx_bench/0.169.0 (bench) codex_rx/0.1.0',
  codexHome: '/tmp/codex-rx-bench',
  platformFamily: 'unix',
  platformOs: 'linux',
};

/**
 * A transport whose "server" is the benchmark: bytes pushed with `feed` take the same path as
 * the stdout of a real server in `StdioTransport` (JSONL decoder → held frame stream), and what
 * the client sends is counted (and `initialize` answered) but otherwise dropped.
 */
export class MemoryTransport implements Transport {
  private readonly frames = new HeldFrameStream<JsonRpcMessage>();
  private readonly diagnostics = new Subject<TransportDiagnostic>();
  private readonly decoder = new JsonlDecoder({
    message: (message) => this.frames.next(message),
    diagnostic: (diagnostic) => this.diagnostics.next(diagnostic),
  });
  readonly frames$: Observable<JsonRpcMessage> = this.frames.observable;
  readonly diagnostics$: Observable<TransportDiagnostic> = this.diagnostics.asObservable();
  /** The ids of the requests the client sent, by method (only ids: the memory benchmark must not measure what this keeps). */
  readonly requests = new Map<string, RequestId[]>();
  diagnosticCount = 0;

  constructor() {
    this.diagnostics.subscribe(() => (this.diagnosticCount += 1));
  }

  /** One chunk as a pipe would deliver it. */
  feed(chunk: Buffer): void {
    this.decoder.write(chunk);
  }

  send(message: JsonRpcMessage): void {
    const request = message as JsonRpcRequest;
    if (request.id === undefined || typeof request.method !== 'string') return;
    let list = this.requests.get(request.method);
    if (list === undefined) this.requests.set(request.method, (list = []));
    list.push(request.id);
    if (request.method === 'initialize') {
      queueMicrotask(() => this.frames.next({ id: request.id, result: INITIALIZE_RESULT }));
    }
  }

  async close(): Promise<void> {
    this.decoder.end();
    this.frames.end();
    this.diagnostics.complete();
  }
}
