import { InvalidParamsError } from '../jsonrpc/json-rpc-error.js';
import type { UserInput } from '../protocol/generated/codecs.js';

/**
 * Text for the model.
 *
 * @example
 * await thread.run({ type: 'text', text: 'Say hello' }); // the same as thread.run('Say hello')
 */
export interface TextInput {
  readonly type: 'text';
  readonly text: string;
}
/**
 * An image by URL. The pinned runtime takes `data:` URLs only: it answers a remote `https:` URL
 * with an `InvalidRequestError` (-32600) before anything reaches the model, so download the
 * image and inline it.
 *
 * @example
 * import { readFile } from 'node:fs/promises';
 *
 * const png = await readFile('diagram.png');
 * await thread.run([inputs.text('Explain this diagram'), inputs.image(`data:image/png;base64,${png.toString('base64')}`)]);
 */
export interface ImageInput {
  readonly type: 'image';
  readonly url: string;
}
/**
 * An image file on the machine that runs the app-server.
 *
 * @example
 * await thread.run([inputs.text('What is wrong in this screenshot?'), inputs.localImage('/tmp/screenshot.png')]);
 */
export interface LocalImageInput {
  readonly type: 'localImage';
  readonly path: string;
}
/**
 * A skill to use, by name and the path of its SKILL.md.
 *
 * @example
 * await thread.run([inputs.text('Greet me'), inputs.skill('greeter', '/repo/.agents/skills/greeter/SKILL.md')]);
 */
export interface SkillInput {
  readonly type: 'skill';
  readonly name: string;
  readonly path: string;
}
/**
 * A mention of a file or resource, by name and path.
 *
 * @example
 * await thread.run([inputs.text('Summarize $notes'), inputs.mention('notes', '/repo/notes.md')]);
 */
export interface MentionInput {
  readonly type: 'mention';
  readonly name: string;
  readonly path: string;
}

/**
 * One input item.
 *
 * @example
 * const items: InputItem[] = [inputs.text('Compare these'), inputs.localImage('/tmp/before.png'), inputs.localImage('/tmp/after.png')];
 * await thread.run(items);
 */
export type InputItem = TextInput | ImageInput | LocalImageInput | SkillInput | MentionInput;
/**
 * One item or several.
 *
 * @example
 * const one: Input = inputs.localImage('/tmp/plot.png');
 * const several: Input = [inputs.text('Describe it'), one];
 */
export type Input = InputItem | readonly InputItem[];
/**
 * What `run`, `turn` and `steer` accept: a plain string is shorthand for one `TextInput`.
 *
 * @example
 * const prompts: RunInput[] = ['Say hello', [inputs.text('And describe'), inputs.localImage('/tmp/a.png')]];
 * for (const prompt of prompts) await thread.run(prompt);
 */
export type RunInput = string | Input;

/**
 * Builders for input items, so call sites read as what they mean.
 *
 * @example
 * await thread.run([
 *   inputs.text('Review this change'),
 *   inputs.localImage('/tmp/screenshot.png'),
 *   inputs.mention('spec', '/repo/docs/spec.md'),
 * ]);
 */
export const inputs = {
  text: (text: string): TextInput => ({ type: 'text', text }),
  image: (url: string): ImageInput => ({ type: 'image', url }),
  localImage: (path: string): LocalImageInput => ({ type: 'localImage', path }),
  skill: (name: string, path: string): SkillInput => ({ type: 'skill', name, path }),
  mention: (name: string, path: string): MentionInput => ({ type: 'mention', name, path }),
} as const;

/**
 * The wire form of a run input. Throws before anything is sent when the input is empty or an item
 * is not one of the input types.
 *
 * @example
 * toUserInput('hello', 'turn/start'); // [{ type: 'text', text: 'hello', text_elements: [] }]
 */
export function toUserInput(input: RunInput, method: string): UserInput[] {
  if (input === '') throw invalid(method, 'the input is an empty string');
  // JavaScript callers and `any` reach here with what the types rule out.
  if (input === null || input === undefined) throw invalid(method, `the input is ${String(input)}; expected a string or input items`);
  const items: readonly unknown[] = typeof input === 'string' ? [inputs.text(input)] : Array.isArray(input) ? input : [input];
  if (items.length === 0) throw invalid(method, 'the input is empty');
  return items.map((item, index) => toWire(item, index, method));
}

function toWire(item: unknown, index: number, method: string): UserInput {
  if (item === null || typeof item !== 'object') throw invalid(method, `input[${index}] is ${item === null ? 'null' : typeof item}; expected an input item`);
  const value = item as Partial<Record<'type' | 'text' | 'url' | 'path' | 'name', unknown>>;
  const field = (name: 'text' | 'url' | 'path' | 'name'): string => {
    const found = value[name];
    if (typeof found !== 'string' || found === '') throw invalid(method, `input[${index}] (${String(value.type)}) needs a non-empty ${name}`);
    return found;
  };
  switch (value.type) {
    case 'text': {
      if (typeof value.text !== 'string') throw invalid(method, `input[${index}] (text) needs a text string`);
      return { type: 'text', text: value.text, text_elements: [] };
    }
    case 'image':
      return { type: 'image', url: field('url') };
    case 'localImage':
      return { type: 'localImage', path: field('path') };
    case 'skill':
      return { type: 'skill', name: field('name'), path: field('path') };
    case 'mention':
      return { type: 'mention', name: field('name'), path: field('path') };
    default:
      throw invalid(method, `input[${index}] has unknown type ${JSON.stringify(value.type)}; expected text, image, localImage, skill or mention`);
  }
}

function invalid(method: string, message: string): InvalidParamsError {
  return new InvalidParamsError(-32602, `${message}; nothing was sent`, undefined, method);
}
