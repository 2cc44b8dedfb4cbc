import { delay } from '../../testing/script/delay.js';
import { deltas } from '../../testing/script/deltas.js';
import { failed } from '../../testing/script/failed.js';
import { gate } from '../../testing/script/gate.js';
import type { ResponseScript } from '../../testing/script/response-script.js';
import { response } from '../../testing/script/response.js';

/** The default pause between two words, so that a turn visibly streams and lasts long enough to be caught mid-way. */
export const SCRIPTED_WORD_DELAY_MS = 10;

/**
 * What the scripted model answers to a job's prompt in `worker --scripted`: the prompt's words
 * streamed back one delta each, then, after a pause of five words, the end of the response (the
 * turn's closing phase: its answer is complete, the turn not yet). A testing aid to reach the failure paths offline: a prompt that
 * starts with `fail:` streams its words and then fails the turn; one that starts with `hang:`
 * streams them and holds the turn open until it is interrupted.
 *
 * @example
 * const prompt = 'Summarise the README';
 * mock.enqueueMatching((request) => request.userTexts().at(-1) === prompt, workerScriptedReply(prompt));
 */
export function workerScriptedReply(prompt: string, wordDelayMs = SCRIPTED_WORD_DELAY_MS): ResponseScript {
  const words = prompt.split(/(?<=\s)/).filter((word) => word !== '');
  const stream = deltas(words, { delayMs: wordDelayMs, phase: 'final_answer' });
  if (prompt.startsWith('fail:')) return response(stream, failed('scripted failure (fail: prompt)'));
  if (prompt.startsWith('hang:')) return response(stream, gate('hang: prompt'));
  return response(stream, delay(wordDelayMs * 5));
}
