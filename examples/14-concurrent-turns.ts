/**
 * Concurrent turns: several threads answer at once on one connection; `combineLatest` renders
 * their joint progress, `merge` collects the answers in the order they finish.
 */
import { combineLatest, lastValueFrom, map, merge, scan, startWith, tap, throttleTime } from 'rxjs';
import { agentTextDeltas, type Codex } from 'codex-rx';
import { deltas, response, type MockResponsesServer } from 'codex-rx/testing';
import { runIfMain, type ExampleIo } from './support/run-example.js';

const TOPICS = ['Rust', 'Go', 'Zig'];

/** Offline, each thread's request is told apart by its prompt; the answers stream at different speeds. */
export function script(mock: MockResponsesServer): void {
  TOPICS.forEach((topic, i) =>
    mock.enqueueMatching(
      (request) => request.userTexts().some((text) => text.includes(topic)),
      response(deltas([`${topic} `, 'is ', 'a systems ', 'language ', `(${'★'.repeat(i + 1)}).`], { delayMs: 15 * (3 - i) })),
    ),
  );
}

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  const threads = await Promise.all(TOPICS.map(() => codex.threadStart()));
  // Handles, not cold run$ streams: several subscribers read each turn, and it runs once.
  const turns = await Promise.all(threads.map((thread, i) => thread.turn(`One short sentence about ${TOPICS[i]}.`)));

  // Characters written so far by each turn; combineLatest re-emits when any of them moves.
  const progress$ = combineLatest(
    turns.map((turn) => turn.events$.pipe(agentTextDeltas(), scan((chars, text) => chars + text.length, 0), startWith(0))),
  ).pipe(
    map((counts) => `progress: ${counts.map((chars, i) => `${TOPICS[i]} ${String(chars).padStart(3)}`).join(' | ')}`),
    // A screen needs at most a frame every 50 ms; the trailing frame shows the end state.
    throttleTime(50, undefined, { leading: true, trailing: true }),
  );
  // Each turn's result, as soon as that turn completes.
  const answers$ = merge(...turns.map((turn, i) => turn.result$.pipe(map((result) => `done: ${TOPICS[i]}: ${result.finalResponse}`))));

  await lastValueFrom(merge(progress$, answers$).pipe(tap((line) => io.log(line))));
}

await runIfMain(import.meta, { main, script });
