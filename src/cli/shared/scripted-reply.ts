import { deltas } from '../../testing/script/deltas.js';
import { failed } from '../../testing/script/failed.js';
import { gate } from '../../testing/script/gate.js';
import type { ResponseScript } from '../../testing/script/response-script.js';
import { response } from '../../testing/script/response.js';
import { usage } from '../../testing/script/usage.js';
import { UsageError } from './usage-error.js';

/**
 * The environment variable that picks the scripted model's behaviour for `run --scripted`. A
 * testing aid, so that specs and try-outs can reach the failure and interrupt paths offline:
 * unset, the model echoes the prompt; `fail` streams a few words and then fails the turn;
 * `hang` streams a few words and then holds the turn open until it is interrupted. With
 * `verbatim` (`run --output-schema`), the model answers with the prompt itself.
 */
export const SCRIPT_ENV = 'CODEX_RX_SCRIPT';

const WORD_DELAY_MS = 25;

/**
 * What the scripted model answers to `prompt` in `run --scripted`, chosen by
 * `CODEX_RX_SCRIPT` (see `SCRIPT_ENV`). Streamed word by word, so the output visibly streams.
 *
 * @example
 * mock.enqueue(scriptedReply('Say hello'));
 */
export function scriptedReply(prompt: string, mode: string | undefined = process.env[SCRIPT_ENV], verbatim = false): ResponseScript {
  const stream = (text: string) => deltas(words(text), { delayMs: WORD_DELAY_MS, phase: 'final_answer' });
  switch (mode ?? '') {
    case '':
      // `run --output-schema`: the prompt is the answer, so a JSON prompt is the structured output.
      if (verbatim) return response(stream(prompt), usage({ inputTokens: 40 + prompt.length, outputTokens: words(prompt).length }));
      return response(
        stream(`You said: ${oneLine(prompt)}. This answer comes from the scripted model, offline, word by word.`),
        usage({ inputTokens: 40 + prompt.length, outputTokens: 12 + words(prompt).length }),
      );
    case 'fail':
      return response(stream('Let me think about that'), failed(`scripted failure (${SCRIPT_ENV}=fail)`));
    case 'hang':
      // A gate nobody opens: the turn stays in progress until it is interrupted.
      return response(stream('Working on it, this will take a while'), gate(`${SCRIPT_ENV}=hang`));
    default:
      throw new UsageError(`${SCRIPT_ENV} must be unset, "fail" or "hang"; got "${mode}"`);
  }
}

/** Words with the space after each, so the chunks join back into the text. */
function words(text: string): string[] {
  return text.split(/(?<=\s)/).filter((word) => word !== '');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/[.!?]+$/, '');
}
