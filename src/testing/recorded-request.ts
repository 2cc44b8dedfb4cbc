import type { IncomingHttpHeaders } from 'node:http';

/**
 * One HTTP request the mock model received, kept for assertions: method, path, headers, arrival
 * time and body (parsed when it is JSON). The accessors read the Responses API request shape:
 * `model`, `stream`, and the `input` items the server sends (developer and user messages, then
 * on follow-up requests the model's `function_call` items and the server's
 * `function_call_output` items).
 *
 * @example
 * import { expect } from 'chai';
 *
 * const [request] = await mock.waitForRequests(1);
 * if (request === undefined) throw new Error('no request');
 * expect(request.body).to.include({ model: 'mock-model', stream: true });
 * expect(request.userTexts()).to.include('hi');
 */
export class RecordedRequest {
  constructor(
    readonly method: string,
    /** The path with its query string, e.g. `/v1/responses`. */
    readonly path: string,
    /** Header names are lower-case, as Node gives them. */
    readonly headers: IncomingHttpHeaders,
    /** The parsed JSON body; the raw text when it is not JSON; `undefined` when empty. */
    readonly body: unknown,
    readonly receivedAt: Date,
    /** Whether a queued script answered it (`false`: the server's fallback or a non-model path did). */
    readonly scripted: boolean,
  ) {}

  /** The request's `model` field. */
  get model(): string | undefined {
    return this.field('model') as string | undefined;
  }

  /** The request's `stream` field (`true` for every model call the app-server makes). */
  get stream(): boolean | undefined {
    return this.field('stream') as boolean | undefined;
  }

  /** The request's `input` items (conversation so far), or `[]`. */
  get input(): ReadonlyArray<Record<string, unknown>> {
    const input = this.field('input');
    return Array.isArray(input) ? (input as Array<Record<string, unknown>>) : [];
  }

  /**
   * The text of every `input_text` span of the input messages with `role` (`user` by default).
   * User messages include the server's own context (an `<environment_context>` block) as well
   * as what the client typed.
   */
  userTexts(role = 'user'): string[] {
    return this.input
      .filter((item) => item['type'] === 'message' && item['role'] === role)
      .flatMap((item) => (Array.isArray(item['content']) ? (item['content'] as Array<Record<string, unknown>>) : []))
      .filter((span) => span['type'] === 'input_text' && typeof span['text'] === 'string')
      .map((span) => span['text'] as string);
  }

  /** The `function_call_output` input item for `callId`: what the tool returned to the model. */
  functionCallOutput(callId: string): Record<string, unknown> | undefined {
    return this.input.find((item) => item['type'] === 'function_call_output' && item['call_id'] === callId);
  }

  private field(name: string): unknown {
    return typeof this.body === 'object' && this.body !== null ? (this.body as Record<string, unknown>)[name] : undefined;
  }
}
