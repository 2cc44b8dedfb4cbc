import { Subject, type Observable } from 'rxjs';
import { TransportClosedError } from '../../src/errors/transport-closed-error.js';
import { HeldFrameStream } from '../../src/transport/held-frame-stream.js';
import type { JsonRpcMessage, JsonRpcRequest } from '../../src/jsonrpc/json-rpc-message.js';
import type { Transport } from '../../src/transport/transport.js';
import type { TransportDiagnostic } from '../../src/transport/transport-diagnostic.js';

/**
 * An in-memory transport for what the real server cannot be made to do: the spec plays the
 * server, sees what the client wrote on `sent$`, and pushes frames, garbage or failures.
 */
export class FakeTransport implements Transport {
  // Like the real transports: frames before the first subscriber are held for it, nothing more is kept.
  private readonly frames = new HeldFrameStream<JsonRpcMessage>();
  private readonly diagnostics = new Subject<TransportDiagnostic>();
  private readonly sentSubject = new Subject<JsonRpcMessage>();
  private closed = false;
  readonly sent: JsonRpcMessage[] = [];
  /** Keep what the client writes in `sent` (turn off for load specs that measure memory). */
  record = true;
  readonly frames$: Observable<JsonRpcMessage> = this.frames.observable;
  readonly diagnostics$: Observable<TransportDiagnostic> = this.diagnostics.asObservable();
  /** Every message the client writes, as it writes it. */
  readonly sent$: Observable<JsonRpcMessage> = this.sentSubject.asObservable();
  closeCalls = 0;

  /** Answers requests automatically: return a result, an error object, or undefined to stay silent. */
  autoRespond?: (request: JsonRpcRequest) => { result: unknown } | { error: { code: number; message: string; data?: unknown } } | undefined;

  send(message: JsonRpcMessage): void {
    if (this.closed) throw new TransportClosedError('fake transport is closed');
    if (this.record) this.sent.push(message);
    this.sentSubject.next(message);
    const request = message as JsonRpcRequest;
    if (this.autoRespond && typeof request.method === 'string' && request.id !== undefined) {
      const answer = this.autoRespond(request);
      if (answer !== undefined) queueMicrotask(() => this.receive({ id: request.id, ...answer } as JsonRpcMessage));
    }
  }

  receive(message: JsonRpcMessage): void {
    this.frames.next(message);
  }

  garbage(raw: string): void {
    this.diagnostics.next({ kind: 'invalid-json', raw, message: 'not JSON' });
  }

  /** The peer goes away on its own. */
  fail(error: Error = new TransportClosedError('fake server exited', { exitCode: 1, stderrTail: ['boom'] })): void {
    this.closed = true;
    this.frames.end(error);
  }

  async close(): Promise<void> {
    this.closeCalls += 1;
    if (this.closed) return;
    this.closed = true;
    this.frames.end();
  }

  /** Requests the client sent, by method. */
  requests(method?: string): JsonRpcRequest[] {
    return this.sent.filter((m): m is JsonRpcRequest => 'method' in m && 'id' in m && (method === undefined || m.method === method));
  }
}
