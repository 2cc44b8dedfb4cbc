import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The recorded turn (see `bench/record-fixture.ts`). */
export const FIXTURE_PATH = join(here, '..', 'fixtures', 'turn-50-deltas.jsonl');

/** One recorded turn: the exact lines, and the ids to rewrite when the turn is cloned. */
export interface RecordedTurn {
  readonly lines: readonly string[];
  readonly threadId: string;
  readonly turnId: string;
  /** The id of the `turn/start` request the recorded response answers. */
  readonly requestId: number;
}

/** Reads the fixture and finds the ids in it. */
export function loadRecordedTurn(path = FIXTURE_PATH): RecordedTurn {
  const lines = readFileSync(path, 'utf8').split('\n').filter((line) => line !== '');
  let threadId: string | undefined;
  let turnId: string | undefined;
  let requestId: number | undefined;
  for (const line of lines) {
    const message = JSON.parse(line) as { id?: number; method?: string; params?: any; result?: any };
    if (message.method === 'turn/started') {
      threadId = message.params.threadId;
      turnId = message.params.turn.id;
    }
    if (message.id !== undefined && message.result?.turn?.id !== undefined) requestId = message.id;
  }
  if (threadId === undefined || turnId === undefined || requestId === undefined) {
    throw new Error(`${path}: no turn/started or turn/start response; regenerate it with bench/record-fixture.ts`);
  }
  return { lines, threadId, turnId, requestId };
}

/** An id shaped like the server's (a 36-character UUID), unique per `kind` and `n`, so cloned lines keep their length. */
export function syntheticUuid(kind: number, n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `0000000${kind.toString(16)}-0000-7000-8000-${hex}`;
}

/** How N concurrent turns are laid out in a replay stream. */
export interface StreamLayout {
  /** Turns in the whole stream. A multiple of `concurrency`. */
  readonly turns: number;
  /** Turns in flight at once: the stream is `turns / concurrency` groups, each interleaving its turns line by line. */
  readonly concurrency: number;
  /** The request id the first turn's `turn/start` response answers; the others follow in order. */
  readonly firstRequestId: number;
}

/** A replay stream: the bytes, as pipe-sized chunks, and what is in them. */
export interface ReplayStream {
  readonly chunks: readonly Buffer[];
  readonly frames: number;
  readonly bytes: number;
  /** The thread of turn i is `threadIds[i]`: every turn has its own, since a client runs the turns of one thread one after another. */
  readonly threadIds: readonly string[];
  readonly turnIds: readonly string[];
}

/** Linux pipes hand the reader up to 64 KiB per read. */
export const PIPE_CHUNK_BYTES = 65_536;

/**
 * Clones the recorded turn `turns` times with fresh thread ids, turn ids and request ids, and lays
 * the clones out so that `concurrency` turns interleave (line i of every turn of a group, then
 * line i+1 …). Every turn runs on a thread of its own (turn i on `threadIds[i]`), so that all of
 * them can be started before the stream plays: a client starts a thread's next turn only after
 * the previous one ended.
 */
export function buildReplayStream(recorded: RecordedTurn, layout: StreamLayout): ReplayStream {
  const { turns, concurrency, firstRequestId } = layout;
  if (turns % concurrency !== 0) throw new Error(`turns (${turns}) must be a multiple of concurrency (${concurrency})`);
  const threadIds = Array.from({ length: turns }, (_, i) => syntheticUuid(1, i));
  const turnIds = Array.from({ length: turns }, (_, i) => syntheticUuid(2, i));
  const responsePrefix = `{"id":${recorded.requestId},`;
  const clone = (line: string, turn: number): string => {
    let text = line.split(recorded.threadId).join(threadIds[turn]!).split(recorded.turnId).join(turnIds[turn]!);
    if (text.startsWith(responsePrefix)) text = `{"id":${firstRequestId + turn},${text.slice(responsePrefix.length)}`;
    return text;
  };
  const parts: string[] = [];
  for (let group = 0; group < turns / concurrency; group += 1) {
    for (const line of recorded.lines) {
      for (let k = 0; k < concurrency; k += 1) parts.push(clone(line, group * concurrency + k));
    }
  }
  const all = Buffer.from(`${parts.join('\n')}\n`, 'utf8');
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < all.length; offset += PIPE_CHUNK_BYTES) chunks.push(all.subarray(offset, offset + PIPE_CHUNK_BYTES));
  return { chunks, frames: parts.length, bytes: all.length, threadIds, turnIds };
}
