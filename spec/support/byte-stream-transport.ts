import { Subject, type Observable } from 'rxjs';
import type { JsonRpcMessage } from '../../src/jsonrpc/json-rpc-message.js';
import { JsonlDecoder } from '../../src/transport/jsonl-decoder.js';
import type { Transport } from '../../src/transport/transport.js';
import type { TransportDiagnostic } from '../../src/transport/transport-diagnostic.js';

/**
 * A transport fed with raw bytes, through the same JSONL decoder as the stdio transport: the spec
 * plays the server's stdout, chunked however it likes, garbage included.
 */
export class ByteStreamTransport implements Transport {
  private readonly frames = new Subject<JsonRpcMessage>();
  private readonly diagnostics = new Subject<TransportDiagnostic>();
  private readonly decoder = new JsonlDecoder({
    message: (message) => this.frames.next(message),
    diagnostic: (diagnostic) => this.diagnostics.next(diagnostic),
  });
  readonly frames$: Observable<JsonRpcMessage> = this.frames.asObservable();
  readonly diagnostics$: Observable<TransportDiagnostic> = this.diagnostics.asObservable();
  readonly sent: JsonRpcMessage[] = [];

  write(chunk: Uint8Array | string): void {
    this.decoder.write(chunk);
  }

  send(message: JsonRpcMessage): void {
    this.sent.push(message);
  }

  async close(): Promise<void> {
    this.frames.complete();
  }
}
