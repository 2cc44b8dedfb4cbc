import type { Observable } from 'rxjs';
import type { JsonRpcMessage, JsonRpcRequest } from '../../src/jsonrpc/json-rpc-message.js';
import type { Transport } from '../../src/transport/transport.js';
import type { TransportDiagnostic } from '../../src/transport/transport-diagnostic.js';

/** Wraps a real transport and keeps every message the client writes, to check what went on the wire. */
export class RecordingTransport implements Transport {
  readonly sent: JsonRpcMessage[] = [];
  readonly frames$: Observable<JsonRpcMessage>;
  readonly diagnostics$: Observable<TransportDiagnostic>;

  constructor(private readonly inner: Transport) {
    this.frames$ = inner.frames$;
    this.diagnostics$ = inner.diagnostics$;
  }

  send(message: JsonRpcMessage): void {
    this.sent.push(message);
    this.inner.send(message);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** The params of every request of `method` sent so far, in order. */
  paramsOf(method: string): Record<string, unknown>[] {
    return this.sent
      .filter((m): m is JsonRpcRequest => 'method' in m && 'id' in m && m.method === method)
      .map((m) => (m.params ?? {}) as Record<string, unknown>);
  }
}
