import { ApprovalMode } from '../../client/approval-mode.js';
import { Sandbox } from '../../client/sandbox.js';
import type { RecordedRequest } from '../../testing/recorded-request.js';
import type { RequestMatcher } from '../../testing/mock-responses-server.js';
import { deltas } from '../../testing/script/deltas.js';
import { execCommand } from '../../testing/script/exec-command.js';
import type { ResponseScript } from '../../testing/script/response-script.js';
import { response } from '../../testing/script/response.js';
import { usage } from '../../testing/script/usage.js';

/** One thread of the demo: what it asks, under which settings, and what the scripted model answers. */
export interface DemoTask {
  /** The column's name. */
  readonly title: string;
  readonly prompt: string;
  readonly sandbox: Sandbox;
  readonly approvalMode: ApprovalMode;
  /**
   * The scripted model's answers, each with the requests it may answer (the three threads call
   * the model at the same time, so answers are tied to a prompt rather than to an order).
   */
  readonly script: readonly { readonly matches: RequestMatcher; readonly response: ResponseScript }[];
}

const NOTES_CALL_ID = 'call_demo_notes';

/**
 * The demo's three threads: a haiku and a short explanation that stream at different speeds,
 * and a thread whose model runs a command that needs approval (`ApprovalMode.askUser`), then
 * answers according to what the command returned (or that it was declined). The pauses
 * between words are chosen so the columns visibly interleave for about two seconds.
 *
 * @example
 * for (const task of demoTasks()) {
 *   for (const { matches, response } of task.script) mock.enqueueMatching(matches, response);
 * }
 */
export function demoTasks(): DemoTask[] {
  const haiku = 'Write a haiku about reactive streams.';
  const observable = 'In two sentences: what is an Observable?';
  const notes = 'Create notes.txt with three lines (map, filter, merge), then count them with wc -l.';
  return [
    {
      title: 'haiku',
      prompt: haiku,
      sandbox: Sandbox.readOnly,
      approvalMode: ApprovalMode.denyAll,
      script: [
        {
          matches: asks(haiku),
          response: response(
            stream('Events drift like leaves,\nmapped, filtered, merged on their way:\none stream to the sea.', 150),
            usage({ inputTokens: 1830, cachedInputTokens: 1536, outputTokens: 27 }),
          ),
        },
      ],
    },
    {
      title: 'observable',
      prompt: observable,
      sandbox: Sandbox.readOnly,
      approvalMode: ApprovalMode.denyAll,
      script: [
        {
          matches: asks(observable),
          response: response(
            stream(
              'An Observable is a lazy push collection: nothing happens until you subscribe, and then it delivers ' +
                'any number of values over time before it completes or fails. Operators such as map, filter and ' +
                'merge build new Observables from old ones, so you describe what happens to the data rather than ' +
                'when it arrives.',
              38,
            ),
            usage({ inputTokens: 1844, cachedInputTokens: 1536, outputTokens: 71 }),
          ),
        },
      ],
    },
    {
      title: 'shell',
      prompt: notes,
      sandbox: Sandbox.workspaceWrite,
      approvalMode: ApprovalMode.askUser,
      script: [
        {
          matches: (request) => asks(notes)(request) && request.functionCallOutput(NOTES_CALL_ID) === undefined,
          response: response(
            stream('I will write notes.txt, then count its lines with wc -l.', 70, 'commentary'),
            execCommand(`printf 'map\\nfilter\\nmerge\\n' > notes.txt && wc -l notes.txt`, { callId: NOTES_CALL_ID }),
            usage({ inputTokens: 1851, cachedInputTokens: 1536, outputTokens: 38 }),
          ),
        },
        {
          matches: (request) => commandOutput(request)?.includes('rejected') === false,
          response: response(
            stream('Done: notes.txt holds map, filter and merge, and wc -l counts 3 lines.', 60),
            usage({ inputTokens: 1990, cachedInputTokens: 1792, outputTokens: 24 }),
          ),
        },
        {
          matches: (request) => commandOutput(request)?.includes('rejected') === true,
          response: response(
            stream('You declined the command, so I left the workspace as it was.', 60),
            usage({ inputTokens: 1985, cachedInputTokens: 1792, outputTokens: 19 }),
          ),
        },
      ],
    },
  ];
}

function asks(prompt: string): RequestMatcher {
  return (request) => request.userTexts().includes(prompt);
}

function commandOutput(request: RecordedRequest): string | undefined {
  const output = request.functionCallOutput(NOTES_CALL_ID)?.['output'];
  return output === undefined ? undefined : JSON.stringify(output);
}

/** A message streamed word by word (newlines kept), `delayMs` apart. */
function stream(text: string, delayMs: number, phase: 'commentary' | 'final_answer' = 'final_answer') {
  const words = text.split(/(?<=\s)/).filter((word) => word !== '');
  return deltas(words, { delayMs, phase });
}
