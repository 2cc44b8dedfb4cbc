/**
 * A tool backed by the file system: the model lists and reads the files of one directory through
 * two client-side tools. Arguments are checked with zod before the tool runs, and a path that
 * leaves the directory is refused with a `ToolError`, whose message the model reads.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { ToolError, itemsOfType, tool, type Codex } from 'codex-rx';
import { assistantMessage, functionCall, response } from 'codex-rx/testing';
import { lastValueFrom, toArray } from 'rxjs';
import { z } from 'zod';
import { runIfMain, type ExampleIo } from './support/run-example.js';

export const script = [
  response(functionCall('list_files', { dir: '.' })),
  response(functionCall('read_file', { path: '../../etc/passwd' })),
  response(functionCall('read_file', { path: 'notes.md' })),
  response(assistantMessage('The notes say the release is on Friday.')),
];

/** The tools, confined to `root`. */
function fileTools(root: string) {
  const inside = (path: string): string => {
    const full = resolve(root, path);
    const rel = relative(root, full);
    if (rel.startsWith('..') || resolve(rel) === rel) throw new ToolError(`${path} is outside the project; use paths relative to it.`);
    return full;
  };
  return [
    tool({
      name: 'list_files',
      description: 'Lists the files of a directory of the project',
      input: z.object({ dir: z.string() }),
      run: async ({ dir }) => (await readdir(inside(dir), { withFileTypes: true })).map((entry) => `${entry.name}${entry.isDirectory() ? '/' : ''}`).join('\n'),
    }),
    tool({
      name: 'read_file',
      description: 'Reads a text file of the project',
      input: z.object({ path: z.string() }),
      run: async ({ path }, { signal }) => readFile(inside(path), { encoding: 'utf8', signal }),
    }),
  ];
}

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  await writeFile(resolve(io.workspace, 'notes.md'), '# Notes\nRelease on Friday.\n');
  const thread = await codex.threadStart({ cwd: io.workspace, tools: fileTools(io.workspace) });
  const turn = await thread.turn('What do the project notes say?');
  const calls = lastValueFrom(turn.events$.pipe(itemsOfType('dynamicToolCall'), toArray()));
  const result = await turn.run();
  for (const call of await calls) {
    const text = call.contentItems?.map((item) => (item.type === 'inputText' ? item.text : item.type)).join(' ') ?? '';
    io.log(`${call.tool}(${JSON.stringify(call.arguments)}) → ${call.success ? 'ok' : 'failed'}: ${text.split('\n')[0]}`);
  }
  io.log(`answer: ${result.finalResponse}`);
}

await runIfMain(import.meta, { main, script });
