import type { JsonRpcMessage, JsonRpcRequest } from '../../src/jsonrpc/json-rpc-message.js';
import { FakeTransport } from './fake-transport.js';
import { generatedFrom } from '../../src/protocol/generated/generated-from.js';

// The version the protocol was generated from, so that specs built on this fake see no version drift.
const INITIALIZE_RESULT = { userAgent: `codex_rx/${generatedFrom.version} (fake turn server)`, codexHome: '/tmp/fake', platformFamily: 'unix', platformOs: 'linux' };

/** The notifications of one turn, as the real server sends them (shapes from recorded runs). */
export function turnFrames(threadId: string, turnId: string, texts: readonly string[]): JsonRpcMessage[] {
  const itemId = `msg_${turnId}`;
  const turn = (status: string) => ({ id: turnId, items: [], status, startedAt: 1, completedAt: status === 'inProgress' ? null : 2, durationMs: 1, error: null });
  const usage = { totalTokens: 3, inputTokens: 2, cachedInputTokens: 0, outputTokens: 1, reasoningOutputTokens: 0 };
  return [
    { method: 'turn/started', params: { threadId, turn: turn('inProgress') } },
    { method: 'item/started', params: { threadId, turnId, startedAtMs: 1, item: { type: 'agentMessage', id: itemId, text: '' } } },
    ...texts.map((delta) => ({ method: 'item/agentMessage/delta', params: { threadId, turnId, itemId, delta } })),
    { method: 'item/completed', params: { threadId, turnId, completedAtMs: 2, item: { type: 'agentMessage', id: itemId, text: texts.join('') } } },
    { method: 'thread/tokenUsage/updated', params: { threadId, turnId, tokenUsage: { last: usage, total: usage } } },
    { method: 'turn/completed', params: { threadId, turn: turn('completed') } },
  ];
}

/**
 * A fake app-server on a `FakeTransport`, for what the real one cannot be made to do at will:
 * thousands of turns, exact interleavings, garbage between frames. It answers `initialize`,
 * `thread/start` and `turn/start`, and then plays the turn's frames, optionally mixed by the spec.
 */
export class FakeTurnServer {
  readonly transport = new FakeTransport();
  private threads = 0;
  private turns = 0;
  /** What a turn streams; by default `['Hello', ' world']`. */
  texts: (turnId: string) => readonly string[] = () => ['Hello', ' world'];
  /** Whether to play a started turn's frames at once (else the spec plays them with `play`). */
  autoPlay = true;
  /** Frames of started turns not played yet, by turn id. */
  readonly held = new Map<string, JsonRpcMessage[]>();
  /** Answers other methods; return undefined to stay silent. */
  otherwise: (request: JsonRpcRequest) => { result: unknown } | { error: { code: number; message: string; data?: unknown } } | undefined = () => ({ result: {} });

  constructor() {
    this.transport.autoRespond = (request) => this.answer(request);
  }

  /** Plays frames of a held turn (all of them by default). */
  play(turnId: string, count?: number): void {
    const frames = this.held.get(turnId) ?? [];
    const now = frames.splice(0, count ?? frames.length);
    if (frames.length === 0) this.held.delete(turnId);
    for (const frame of now) this.transport.receive(frame);
  }

  private answer(request: JsonRpcRequest) {
    switch (request.method) {
      case 'initialize':
        return { result: INITIALIZE_RESULT };
      case 'thread/start': {
        this.threads += 1;
        return { result: { thread: { id: `thread-${this.threads}` } } };
      }
      case 'turn/start': {
        this.turns += 1;
        const threadId = (request.params as { threadId: string }).threadId;
        const turnId = `turn-${this.turns}`;
        const frames = turnFrames(threadId, turnId, this.texts(turnId));
        // After the response, as the real server does.
        queueMicrotask(() => queueMicrotask(() => (this.autoPlay ? frames.forEach((f) => this.transport.receive(f)) : this.held.set(turnId, frames))));
        return { result: { turn: { id: turnId, items: [], status: 'inProgress' } } };
      }
      default:
        return this.otherwise(request);
    }
  }
}
