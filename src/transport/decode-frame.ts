import type { JsonRpcMessage } from '../jsonrpc/json-rpc-message.js';
import type { TransportDiagnostic } from './transport-diagnostic.js';

const CARRIAGE_RETURN = 13; // '\r'

/**
 * Decodes one complete record (a JSONL line without its `\n`, or one WebSocket text frame) and
 * hands it to `sink`: a JSON-RPC message, a diagnostic for anything else, nothing for padding.
 * Every transport uses it, so they all read the wire by the same rules.
 *
 * @example
 * decodeFrame('{"id":1,"result":{}}', {
 *   message: (message) => console.log(message),
 *   diagnostic: (diagnostic) => console.warn(diagnostic.message),
 * });
 */
export function decodeFrame(
  line: string,
  sink: { message(message: JsonRpcMessage): void; diagnostic(diagnostic: TransportDiagnostic): void },
): void {
  let length = line.length;
  if (length > 0 && line.charCodeAt(length - 1) === CARRIAGE_RETURN) length -= 1;
  if (length === 0) return;
  const record = length === line.length ? line : line.slice(0, length);

  let value: unknown;
  try {
    value = JSON.parse(record);
  } catch (error) {
    // Only on the failure path is it worth checking for whitespace-only lines, which are
    // padding rather than garbage.
    if (record.trim().length === 0) return;
    sink.diagnostic({
      kind: 'invalid-json',
      raw: record,
      message: error instanceof Error ? error.message : String(error),
    });
    return;
  }

  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    sink.diagnostic({
      kind: 'not-a-message',
      raw: record,
      message: `expected a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
    });
    return;
  }
  if (!('method' in value) && !('id' in value)) {
    sink.diagnostic({
      kind: 'not-a-message',
      raw: record,
      message: 'a JSON-RPC message has a "method" or an "id" member; this object has neither',
    });
    return;
  }
  sink.message(value as JsonRpcMessage);
}
