/**
 * UI state reducer: `scan` folds a turn's events into the state a screen renders, one frame per
 * change, the way a Redux-style store or a React `useReducer` would.
 */
import { distinctUntilChanged, lastValueFrom, map, scan, tap, throttleTime } from 'rxjs';
import type { Codex, TurnEvent } from 'codex-rx';
import { assistantMessage, deltas, response, usage } from 'codex-rx/testing';
import { runIfMain, type ExampleIo } from './support/run-example.js';

/** What the screen shows: `text` is the message being written, `steps` the items the agent completed. */
interface View {
  readonly status: 'waiting' | 'working' | 'writing' | 'completed' | 'interrupted' | 'failed';
  readonly text: string;
  readonly steps: number;
  readonly tokens: number | null;
}

const INITIAL: View = { status: 'waiting', text: '', steps: 0, tokens: null };

/** A pure reducer: easy to test on its own, and the only place that knows the protocol. */
function reduce(view: View, event: TurnEvent): View {
  switch (event.method) {
    case 'turn/started':
      return { ...view, status: 'working' };
    case 'item/started':
      // The screen shows the message being written now, not every message joined.
      return event.params.item.type === 'agentMessage' ? { ...view, text: '' } : view;
    case 'item/agentMessage/delta':
      return { ...view, status: 'writing', text: view.text + event.params.delta };
    case 'item/completed':
      return event.params.item.type === 'userMessage' ? view : { ...view, steps: view.steps + 1 };
    case 'thread/tokenUsage/updated':
      return { ...view, tokens: event.params.tokenUsage.total.totalTokens };
    case 'turn/completed':
      return { ...view, status: event.params.turn.status === 'inProgress' ? view.status : event.params.turn.status };
    default:
      return view;
  }
}

/** One line per frame; a real UI would patch the DOM or redraw the terminal here. */
function render(view: View): string {
  const preview = view.text.length > 40 ? `…${view.text.slice(-39)}` : view.text;
  return `[${view.status.padEnd(9)}] steps ${view.steps} · tokens ${view.tokens ?? '-'} · "${preview.replaceAll('\n', ' ')}"`;
}

export const script = [
  response(
    assistantMessage('Reading the question.', { phase: 'commentary' }),
    deltas(['A reducer ', 'turns events ', 'into state.'], { phase: 'final_answer', delayMs: 30 }),
    usage({ inputTokens: 700, outputTokens: 12 }),
  ),
];

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  const thread = await codex.threadStart();
  const turn = await thread.turn('In one short sentence: what does a reducer do?');
  const frames$ = turn.events$.pipe(scan(reduce, INITIAL), map(render), distinctUntilChanged());
  // At most 20 frames a second, however fast the model writes; the trailing frame is the final state.
  const throttled$ = frames$.pipe(throttleTime(50, undefined, { leading: true, trailing: true }));
  await lastValueFrom(throttled$.pipe(tap((frame) => io.log(frame))));
}

await runIfMain(import.meta, { main, script });
