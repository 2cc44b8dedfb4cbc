import { Subject, type Observable } from 'rxjs';
import type { JsonRpcMessage } from '../jsonrpc/json-rpc-message.js';
import { HeldFrameStream } from './held-frame-stream.js';
import type { TransportDiagnostic } from './transport-diagnostic.js';

/**
 * The streams of a transport and how they end, shared by the transports: `close()` runs the
 * transport's shutdown once however often it is called, and `finish()` ends `frames$` once —
 * completed after a close, errored when the peer went away on its own.
 *
 * @example
 * import { WebSocket } from 'ws';
 *
 * const socket = new WebSocket('ws://127.0.0.1:4500');
 * const ending = new TransportEnding();
 * socket.on('message', (text) => ending.frames.next(JSON.parse(String(text))));
 * socket.on('close', () => ending.finish(() => new TransportClosedError('socket closed')));
 * const close = () => ending.close(async () => {
 *   socket.close();
 *   if (!(await ending.endsWithin(1_000))) socket.terminate();
 * });
 */
export class TransportEnding {
  /** Frames as they arrive, held until the first subscriber. */
  readonly frames = new HeldFrameStream<JsonRpcMessage>();
  readonly diagnostics = new Subject<TransportDiagnostic>();
  readonly frames$: Observable<JsonRpcMessage> = this.frames.observable;
  readonly diagnostics$: Observable<TransportDiagnostic> = this.diagnostics.asObservable();
  /** Resolves once the transport has ended, by a close or on its own. */
  readonly whenEnded: Promise<void>;

  private endedValue = false;
  private closeRequestedValue = false;
  private closing: Promise<void> | undefined;
  private resolveEnded!: () => void;

  constructor() {
    this.whenEnded = new Promise<void>((resolve) => (this.resolveEnded = resolve));
  }

  /** True once the transport has ended. */
  get ended(): boolean {
    return this.endedValue;
  }

  /** True once `close()` was called: sending is refused from then on. */
  get closeRequested(): boolean {
    return this.closeRequestedValue;
  }

  /** Runs `shutdown` on the first call; every call returns the same promise. */
  close(shutdown: () => Promise<void>): Promise<void> {
    this.closeRequestedValue = true;
    this.closing ??= this.ended ? Promise.resolve() : shutdown();
    return this.closing;
  }

  /** Whether the transport ends within `ms`. */
  endsWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    return Promise.race([this.whenEnded.then(() => true), timeout]).finally(() => clearTimeout(timer));
  }

  /** Ends the streams once; `unexpected` makes the error of an end nobody asked for. */
  finish(unexpected: () => Error): void {
    if (this.endedValue) return;
    this.endedValue = true;
    this.diagnostics.complete();
    this.frames.end(this.closeRequestedValue ? undefined : unexpected());
    this.resolveEnded();
  }
}
