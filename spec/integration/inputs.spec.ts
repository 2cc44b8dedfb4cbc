import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inputs } from '../../src/client/run-input.js';
import { InvalidParamsError } from '../../src/jsonrpc/json-rpc-error.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { response } from '../../src/testing/script/response.js';
import { scriptedCodexPerTest } from '../support/scripted-codex-per-test.js';

// A 1×1 transparent PNG.
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** Every content span the model got in user messages, as [type, text-or-url]. */
function userSpans(request: { input: ReadonlyArray<Record<string, unknown>> }): [string, string][] {
  return request.input
    .filter((item) => item['type'] === 'message' && item['role'] === 'user')
    .flatMap((item) => item['content'] as Array<Record<string, unknown>>)
    .map((span) => [String(span['type']), String(span['text'] ?? span['image_url'] ?? '')]);
}

describe('turn inputs against the real app-server', function () {
  this.timeout(60_000);
  const scripted = scriptedCodexPerTest();
  beforeEach(() => {
    scripted.mock.enqueue(response(assistantMessage('seen')));
  });

  it('sends a local image and a remote image to the model as PNG data URLs, with the text', async () => {
    const imagePath = join(scripted.workspace, 'pixel.png');
    writeFileSync(imagePath, Buffer.from(PNG_BASE64, 'base64'));
    const thread = await scripted.codex.threadStart();
    await thread.run([inputs.text('Describe these'), inputs.localImage(imagePath), inputs.image(`data:image/png;base64,${PNG_BASE64}`)]);
    const spans = userSpans(scripted.mock.requests[0]!);
    const images = spans.filter(([type]) => type === 'input_image').map(([, url]) => url);
    expect(images).to.have.length(2);
    for (const url of images) expect(url).to.match(/^data:image\/png;base64,/);
    expect(spans.map(([, text]) => text)).to.include('Describe these');
  });

  it('sends a skill as its <skill> block', async () => {
    // Where the server discovers repository skills; a skill it does not know is not sent.
    const skillDir = join(scripted.workspace, '.agents', 'skills', 'greeter');
    mkdirSync(skillDir, { recursive: true });
    const skillPath = join(skillDir, 'SKILL.md');
    writeFileSync(skillPath, '---\nname: greeter\ndescription: Greets people warmly.\n---\n\nAlways greet with "Ahoy".\n');
    const thread = await scripted.codex.threadStart();
    await thread.run([inputs.text('Greet me'), inputs.skill('greeter', skillPath)]);
    const texts = scripted.mock.requests[0]!.userTexts().join('\n');
    expect(texts).to.contain('<skill>');
    expect(texts).to.contain('greeter');
    expect(texts).to.contain('Always greet with "Ahoy".');
  });

  it('sends a mention with the text', async () => {
    const thread = await scripted.codex.threadStart();
    const result = await thread.run([inputs.text('Look at $notes'), inputs.mention('notes', join(scripted.workspace, 'notes.md'))]);
    expect(result.finalResponse).to.equal('seen');
    const read = await thread.read({ includeTurns: true });
    const content = read.thread.turns[0]!.items.flatMap((item) => (item.type === 'userMessage' ? item.content : []));
    expect(content.map((c) => c.type)).to.deep.equal(['text', 'mention']);
    expect(scripted.mock.requests[0]!.userTexts()).to.include('Look at $notes');
  });

  it('rejects empty or malformed input before anything is sent', async () => {
    const thread = await scripted.codex.threadStart();
    const before = scripted.mock.requests.length;
    for (const bad of ['', [], [{ type: 'video', url: 'x' }], [{ type: 'localImage', path: '' }]] as const) {
      const error = await thread.run(bad as never).catch((e: unknown) => e);
      expect(error, JSON.stringify(bad)).to.be.instanceOf(InvalidParamsError);
    }
    expect(scripted.mock.requests.length).to.equal(before);
  });
});
