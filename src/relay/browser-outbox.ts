import type { WebSocket } from 'ws';

/** The bytes handed to the socket and not yet flushed to the OS, above which frames wait in the outbox. */
const IN_FLIGHT_BYTES = 64 * 1024;

/**
 * The frames on their way to one browser. Only a little is handed to the socket at a time; the
 * rest waits here, where it can still be dropped: once a frame is in the socket, a close frame
 * can only follow it, and a slow browser would read everything queued before learning why it is
 * closed. When more than `maxQueuedBytes` wait, `onTooSlow` is called once.
 *
 * @example
 * import { WebSocket } from 'ws';
 *
 * const browser = new WebSocket('ws://127.0.0.1:8765/codex');
 * const outbox = new BrowserOutbox(browser, 8 * 1024 * 1024, () => outbox.close(4008, 'too slow'));
 * outbox.send(JSON.stringify({ method: 'turn/started', params: {} }));
 */
export class BrowserOutbox {
  // A list read from `head` on: shift() would copy the whole list for every frame.
  private waiting: { readonly text: string; readonly bytes: number }[] = [];
  private head = 0;
  private waitingBytes = 0;
  private inFlight = 0;
  private overflowed = false;
  private closing: { readonly code: number; readonly reason: string } | undefined;

  constructor(
    private readonly browser: WebSocket,
    private readonly maxQueuedBytes: number,
    private readonly onTooSlow: () => void,
  ) {}

  /** Sends the frame, or queues it behind those not yet handed to the socket. */
  send(text: string): void {
    if (this.overflowed || this.closing !== undefined || this.browser.readyState !== this.browser.OPEN) return;
    const bytes = Buffer.byteLength(text);
    if (this.head === this.waiting.length && this.inFlight < IN_FLIGHT_BYTES) return this.write(text, bytes);
    this.waiting.push({ text, bytes });
    this.waitingBytes += bytes;
    if (this.waitingBytes > this.maxQueuedBytes) {
      this.overflowed = true;
      this.drop();
      this.onTooSlow();
    }
  }

  /** Closes the socket once the frames queued before have been handed to it. */
  close(code: number, reason: string): void {
    this.closing ??= { code, reason };
    this.pump();
  }

  /** Forgets the frames not yet handed to the socket (the browser is being closed). */
  drop(): void {
    this.waiting = [];
    this.head = 0;
    this.waitingBytes = 0;
  }

  private write(text: string, bytes: number): void {
    this.inFlight += bytes;
    this.browser.send(text, () => {
      this.inFlight -= bytes;
      this.pump();
    });
  }

  private pump(): void {
    while (this.head < this.waiting.length && this.inFlight < IN_FLIGHT_BYTES && this.browser.readyState === this.browser.OPEN) {
      const { text, bytes } = this.waiting[this.head]!;
      this.head += 1;
      this.waitingBytes -= bytes;
      this.write(text, bytes);
    }
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    if (this.closing !== undefined && this.head === this.waiting.length && this.browser.readyState === this.browser.OPEN) {
      this.browser.close(this.closing.code, this.closing.reason);
    }
  }
}
