import type { HttpErrorResponseScript } from './response-script.js';

/**
 * Answer a request with an HTTP error instead of a stream, the way the API reports rate limits
 * (429), overload (503) or bad requests (400). The server does not retry (the harness sets
 * `request_max_retries = 0`), so the turn fails. What reaches `turn.error` depends on the
 * status: a 400 body is passed through as the message, a 404 becomes `unexpected status 404 Not
 * Found: <message>, url: …`, a 429 `exceeded retry limit, last status: 429 Too Many Requests`,
 * a 500 body is replaced by a generic "high demand" text, and a 503 becomes `unexpected status
 * 503 Service Unavailable: <message>, url: …`.
 *
 * @example
 * mock.enqueue(httpError(500, { error: { message: 'upstream exploded', type: 'server_error' } }));
 */
export function httpError(
  status: number,
  body: unknown = { error: { message: `mock HTTP ${status}`, type: 'server_error' } },
  headers: Readonly<Record<string, string>> = {},
): HttpErrorResponseScript {
  return { kind: 'httpError', status, body, headers };
}
