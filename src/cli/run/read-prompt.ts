import { text } from 'node:stream/consumers';

/**
 * The prompt of `codex-rx run`: the argument itself, or, when it is `-`, everything on stdin
 * (so that `git diff | codex-rx run -` works), trailing newlines dropped.
 *
 * @example
 * const prompt = await readPrompt('-'); // the text piped to the command
 */
export async function readPrompt(argument: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  if (argument !== '-') return argument;
  return (await text(stdin)).replace(/\n+$/, '');
}
