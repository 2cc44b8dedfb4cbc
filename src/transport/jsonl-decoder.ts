import { StringDecoder } from 'node:string_decoder';
import { decodeFrame } from './decode-frame.js';
import type { JsonRpcMessage } from '../jsonrpc/json-rpc-message.js';
import type { TransportDiagnostic } from './transport-diagnostic.js';

/**
 * Where a {@link JsonlDecoder} delivers what it reads. Called synchronously, in input order.
 *
 * @example
 * const sink: JsonlDecoderSink = {
 *   message: (message) => console.log(message),
 *   diagnostic: (diagnostic) => console.warn(diagnostic.message),
 * };
 * const decoder = new JsonlDecoder(sink);
 */
export interface JsonlDecoderSink {
  /** A JSON object that looks like a JSON-RPC message (it has a `method` or an `id` member). */
  message(message: JsonRpcMessage): void;
  /** A line that is not usable: not JSON, or JSON that is not a message. The stream goes on. */
  diagnostic(diagnostic: TransportDiagnostic): void;
}


/**
 * Turns a byte stream of JSON Lines into JSON-RPC messages.
 *
 * Chunks may end anywhere — inside a line, or inside a multi-byte UTF-8 character — and one
 * chunk may hold many lines. `\r\n` line ends and blank lines are accepted. A line that cannot
 * be used is reported as a diagnostic and never stops the stream: one bad line from the server
 * must not cost the whole connection.
 *
 * @example
 * ```ts
 * import { spawn } from 'node:child_process';
 *
 * const child = spawn(resolveCodexBinary(), ['app-server']);
 * const decoder = new JsonlDecoder({
 *   message: (m) => console.log('message', m),
 *   diagnostic: (d) => console.warn(d.kind, d.raw),
 * });
 * child.stdout.on('data', (chunk: Buffer) => decoder.write(chunk));
 * child.stdout.on('end', () => decoder.end());
 * ```
 */
export class JsonlDecoder {
  // StringDecoder keeps the bytes of a character cut in two by a chunk boundary until the rest
  // arrives, so a split "é" or emoji decodes to itself rather than to two U+FFFD.
  private readonly utf8 = new StringDecoder('utf8');
  // The unfinished line, kept as pieces and joined once its newline arrives: appending to one
  // growing string and rescanning it would be quadratic in the length of a long line.
  private partial: string[] = [];

  constructor(private readonly sink: JsonlDecoderSink) {}

  /** Feeds the next chunk of input. Every complete line in it is delivered before this returns. */
  write(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string' ? chunk : this.utf8.write(chunk);
    if (text.length === 0) return;

    let start = 0;
    let newline = text.indexOf('\n');
    if (newline === -1) {
      this.partial.push(text);
      return;
    }
    if (this.partial.length > 0) {
      this.partial.push(text.slice(0, newline));
      const line = this.partial.join('');
      this.partial = [];
      this.decodeLine(line);
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    while (newline !== -1) {
      this.decodeLine(text.slice(start, newline));
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    if (start < text.length) this.partial.push(text.slice(start));
  }

  /** Signals the end of input: a last line without a trailing newline is still delivered. */
  end(): void {
    const rest = this.utf8.end();
    if (rest.length > 0) this.partial.push(rest);
    if (this.partial.length === 0) return;
    const line = this.partial.join('');
    this.partial = [];
    this.decodeLine(line);
  }

  /**
   * Decodes one complete record (a line without its `\n`, or one WebSocket text frame) and
   * delivers it to the sink. Transports with their own framing use this for the same rules.
   */
  decodeLine(line: string): void {
    decodeFrame(line, this.sink);
  }
}
