/**
 * Local image and text: a multimodal turn with an image file on this machine.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inputs, type Codex } from 'codex-rx';
import { assistantMessage, response } from 'codex-rx/testing';
import { runIfMain, type ExampleIo } from './support/run-example.js';
import { stripesPng } from './support/sample-image.js';

export const script = [response(assistantMessage('- Three vertical color bands: red, green, blue\n- A simple test pattern'))];

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  // The app-server reads the file itself, so the path must be one the server can see.
  const imagePath = join(io.workspace, 'stripes.png');
  await writeFile(imagePath, stripesPng());

  const thread = await codex.threadStart();
  const result = await thread.run([
    inputs.text('Read this local image and summarize what you see in 2 bullets.'),
    inputs.localImage(imagePath),
  ]);
  io.log(`status: ${result.status}`);
  io.log(result.finalResponse);
}

await runIfMain(import.meta, { main, script });
