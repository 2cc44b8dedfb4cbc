/**
 * Image and text: a multimodal turn with an image given by URL.
 *
 * The pinned runtime takes images inline, as `data:` URLs; it refuses remote `https:` URLs
 * before calling the model, so an app downloads the image itself and inlines it.
 */
import { InvalidRequestError, inputs, type Codex } from 'codex-rx';
import { assistantMessage, response } from 'codex-rx/testing';
import { runIfMain, type ExampleIo } from './support/run-example.js';
import { stripesDataUrl } from './support/sample-image.js';

const REMOTE_IMAGE_URL = 'https://raw.githubusercontent.com/github/explore/main/topics/typescript/typescript.png';

export const script = [
  response(assistantMessage('- Three vertical stripes\n- Red, green and blue, left to right\n- Flat colors, no text')),
];

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  const thread = await codex.threadStart();

  try {
    await thread.run([inputs.text('What is in this image?'), inputs.image(REMOTE_IMAGE_URL)]);
  } catch (error) {
    // The server answers turn/start with -32600; no turn was started, nothing reached the model.
    if (!(error instanceof InvalidRequestError)) throw error;
    io.log(`remote URL refused: ${error.message}`);
  }

  // A data: URL carries the bytes themselves (here a PNG drawn in memory).
  const result = await thread.run([inputs.text('What is in this image? Give 3 short bullets.'), inputs.image(stripesDataUrl())]);
  io.log(`status: ${result.status}`);
  io.log(result.finalResponse);
}

await runIfMain(import.meta, { main, script });
