import { StringDecoder } from 'node:string_decoder';

// Terminal colour codes: the server colours its log lines even when stderr is a pipe.
const ANSI_ESCAPE = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

// A server spewing one endless line must not grow memory without bound.
const MAX_PARTIAL_LINE = 64 * 1024;

/**
 * The last lines a process wrote to stderr, kept in a ring of fixed size for error messages:
 * decoded as UTF-8 across chunk boundaries, colour codes and blank lines removed.
 *
 * @example
 * import { spawn } from 'node:child_process';
 *
 * const child = spawn(resolveCodexBinary(), ['app-server']);
 * const tail = new StderrTail(50);
 * child.stderr.on('data', (chunk: Buffer) => tail.write(chunk));
 * child.on('close', () => tail.end());
 * tail.lines(); // oldest first
 */
export class StderrTail {
  private readonly ring: string[] = [];
  private next = 0;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly size: number) {}

  /** Adds a chunk of output. */
  write(chunk: Buffer): void {
    this.record(this.decoder.write(chunk));
  }

  /** Flushes what is left once the stream has ended, a last line without a newline included. */
  end(): void {
    this.record(this.decoder.end());
    if (this.partial !== '') this.push(this.partial);
    this.partial = '';
  }

  /** The kept lines, oldest first. */
  lines(): readonly string[] {
    if (this.ring.length < this.size) return [...this.ring];
    return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  private record(text: string): void {
    if (text === '') return;
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      const line = this.partial + text.slice(start, newline);
      this.partial = '';
      this.push(line);
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    this.partial += text.slice(start);
    if (this.partial.length > MAX_PARTIAL_LINE) {
      this.push(this.partial);
      this.partial = '';
    }
  }

  private push(raw: string): void {
    if (this.size === 0) return;
    const line = raw.replace(ANSI_ESCAPE, '').replace(/\r$/, '');
    if (line.trim() === '') return;
    if (this.ring.length < this.size) {
      this.ring.push(line);
    } else {
      this.ring[this.next] = line;
      this.next = (this.next + 1) % this.size;
    }
  }
}
