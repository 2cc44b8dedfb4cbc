import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** How a paced WebSocket reader's connection ended. */
export interface SlowReaderOutcome {
  /** The code of the server's close frame, or null when the connection ended without one (1006). */
  readonly closeCode: number | null;
  /** Bytes read from the socket before the close frame (or the end). */
  readonly bytesBeforeClose: number;
  /** Milliseconds from `readUntil` to the close frame (or the end). */
  readonly elapsedMs: number;
}

/**
 * A WebSocket client over a raw TCP socket that reads at most `bytesPerSecond`: what a slow browser
 * does (its WebSocket stops taking data from the network while the page has not consumed it). The
 * `ws` client cannot pace its reads, hence the raw socket and a frame parser of its own.
 */
export class SlowReader {
  private constructor(
    private readonly socket: Socket,
    private leftover: Buffer,
  ) {}

  /** Opens the socket (the handshake is read at full speed); reading waits for `readUntil`. */
  static open(url: string, headers: Record<string, string>): Promise<SlowReader> {
    const target = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(target.port), target.hostname, () => {
        const lines = [
          `GET ${target.pathname} HTTP/1.1`,
          `Host: ${target.host}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
        ];
        socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      });
      let received = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        received = Buffer.concat([received, chunk]);
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        socket.pause();
        const status = received.subarray(0, end).toString('latin1').split('\r\n')[0] ?? '';
        if (!status.includes(' 101 ')) return reject(new Error(`the upgrade was refused: ${status}`));
        resolve(new SlowReader(socket, received.subarray(end + 4)));
      };
      socket.on('data', onData);
      socket.once('error', reject);
    });
  }

  /** Reads frames at the given pace until the close frame or the end of the connection. */
  readUntil(bytesPerSecond: number): Promise<SlowReaderOutcome> {
    const started = performance.now();
    let bytes = 0;
    let header = Buffer.alloc(0);
    let skip = 0;
    let closing: Buffer[] | undefined;
    return new Promise((resolve) => {
      const done = (closeCode: number | null): void => {
        this.socket.removeAllListeners('data');
        this.socket.destroy();
        resolve({ closeCode, bytesBeforeClose: bytes, elapsedMs: performance.now() - started });
      };
      const feed = (chunk: Buffer): void => {
        let data = chunk;
        while (data.length > 0) {
          if (skip > 0) {
            const taken = data.subarray(0, skip);
            skip -= taken.length;
            data = data.subarray(taken.length);
            if (closing !== undefined) {
              closing.push(taken);
              if (skip === 0) return done(Buffer.concat(closing).readUInt16BE(0));
            }
            continue;
          }
          header = Buffer.concat([header, data]);
          data = Buffer.alloc(0);
          if (header.length < 2) return;
          const short = header[1]! & 0x7f;
          const size = short === 126 ? 4 : short === 127 ? 10 : 2;
          if (header.length < size) return;
          const length = short === 126 ? header.readUInt16BE(2) : short === 127 ? Number(header.readBigUInt64BE(2)) : short;
          const opcode = header[0]! & 0x0f;
          data = header.subarray(size);
          header = Buffer.alloc(0);
          skip = length;
          if (opcode === 0x8) {
            if (length < 2) return done(1005);
            closing = [];
          }
        }
      };
      this.socket.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        feed(chunk);
        if (this.socket.destroyed) return;
        // Pause for as long as this chunk takes at the pace, then read on.
        this.socket.pause();
        setTimeout(() => this.socket.resume(), (chunk.length / bytesPerSecond) * 1000);
      });
      this.socket.once('close', () => done(null));
      this.socket.on('error', () => undefined);
      feed(this.leftover);
      this.leftover = Buffer.alloc(0);
      this.socket.resume();
    });
  }
}
