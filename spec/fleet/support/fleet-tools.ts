// The tools module a `codex-rx worker --tools` process loads in the fleet specs.
import { z } from 'zod';
import { tool } from '../../../src/client/tool.js';

let calls = 0;

/** Answers with the worker's process id and how many calls it has answered. */
export const stamp = tool({
  name: 'stamp',
  description: 'Stamps the call with the worker that ran it',
  input: z.object({ prompt: z.string() }),
  run: ({ prompt }) => `stamped by ${process.pid} (call ${++calls}): ${prompt}`,
});

/** Not a tool: ignored by the loader. */
export const notATool = { name: 'stamp2' };
