import { Observable, share } from 'rxjs';
import type { JsonRpcMessage } from '../../src/jsonrpc/json-rpc-message.js';
import type { Transport } from '../../src/transport/transport.js';
import type { TcpChaosProxy } from './tcp-chaos-proxy.js';

/**
 * Faults placed frame by frame on a real app-server's connections, where a byte proxy cannot
 * place them. Wrap each transport a reconnecting client opens; then:
 * - `cutAfter(k)`: the client sees the next k messages from the server and nothing after them on
 *   that connection (what the server sent beyond k is lost, as in a real cut). The cut is exact
 *   on the client's side; the server may have sent, and acted on, more before it notices.
 * - `cutBefore(matches)`: the connection is cut at the first message that `matches`, which is lost
 *   with everything after it.
 * - `loseTurnStartAnswer`: the answer to the next `turn/start` is not delivered; the connection
 *   is cut there instead.
 * - `resumeDelayMs`: the answers to a reconnection's `thread/resume` calls arrive that much late,
 *   after the live events the server sends meanwhile: the order in which the server may send them,
 *   or read from one chunk.
 * - `onResumeSent`: called when a `thread/resume` goes out.
 *
 * @example
 * const faults = new FrameFaults(proxy);
 * const codex = await Codex.connect({ transport: async () => faults.wrap(await WebSocketTransport.connect(proxy.url, { token })), reconnect: {} });
 * faults.cutAfter(12);
 */
export class FrameFaults {
  /** How many cuts were made. */
  cuts = 0;
  loseTurnStartAnswer = false;
  resumeDelayMs = 0;
  onResumeSent: (() => void) | undefined;
  private armed: { k: number; seen: number } | undefined;
  private cutAt: ((message: JsonRpcMessage) => boolean) | undefined;
  private readonly turnStarts = new Set<unknown>();

  constructor(private readonly proxy: TcpChaosProxy) {}

  cutAfter(k: number): void {
    this.armed = { k, seen: 0 };
  }

  cutBefore(matches: (message: JsonRpcMessage) => boolean): void {
    this.cutAt = matches;
  }

  disarm(): void {
    this.armed = undefined;
    this.cutAt = undefined;
  }

  wrap(inner: Transport): Transport {
    let dropping = false;
    const cut = (): void => {
      this.cuts += 1;
      dropping = true;
      this.proxy.cutAll();
    };
    const frames$ = new Observable<JsonRpcMessage>((subscriber) =>
      inner.frames$.subscribe({
        next: (message) => {
          if (dropping) return;
          const id = (message as { id?: unknown }).id;
          if (!('method' in message) && this.turnStarts.delete(id) && this.loseTurnStartAnswer) {
            this.loseTurnStartAnswer = false;
            cut();
            return;
          }
          if (this.cutAt?.(message) === true) {
            this.cutAt = undefined;
            cut();
            return;
          }
          const armed = this.armed;
          if (armed !== undefined && (armed.seen += 1) === armed.k) {
            this.armed = undefined;
            cut();
          }
          const result = (message as { result?: { thread?: unknown } }).result;
          const resumed = typeof id === 'string' && id.startsWith('reconnect-') && result?.thread !== undefined;
          if (resumed && this.resumeDelayMs > 0) setTimeout(() => subscriber.next(message), this.resumeDelayMs);
          else subscriber.next(message);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    ).pipe(share());
    return {
      frames$,
      diagnostics$: inner.diagnostics$,
      send: (message) => {
        if ('method' in message && message.method === 'turn/start' && 'id' in message) this.turnStarts.add(message.id);
        if ('method' in message && message.method === 'thread/resume') this.onResumeSent?.();
        inner.send(message);
      },
      close: () => inner.close(),
    };
  }
}
