import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { functionCall } from '../../src/testing/script/function-call.js';
import { response } from '../../src/testing/script/response.js';
import { StdioTransport } from '../../src/transport/stdio-transport.js';
import { startRelayFixture, type RelayFixture } from '../support/relay-fixture.js';

const CHROMIUM = process.env['CHROMIUM_BIN'] ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('a tool defined in a page runs in that page (headless Chromium, relay, real app-server)', function () {
  this.timeout(90_000);
  let browser: Browser;
  let harness: AppServerHarness;
  let fixture: RelayFixture;
  const upstreams: StdioTransport[] = [];

  before(async () => {
    // No skipping: without a browser this spec would pass by not running.
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    harness = await AppServerHarness.create();
    const bundle = await build({ entryPoints: [join(import.meta.dirname, 'support/tool-page.ts')], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
    const script = bundle.outputFiles[0]!.contents;
    fixture = await startRelayFixture({
      allowDynamicTools: true,
      roots: [harness.workspace],
      page: (request, res) => {
        const path = new URL(request.url ?? '/', 'http://relay.invalid').pathname;
        if (path === '/page.js') {
          res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
          res.end(script);
        } else {
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
          res.end('<!doctype html><html><head><meta charset="utf-8"></head><body><script type="module" src="/page.js"></script></body></html>');
        }
      },
      upstream: () => {
        const transport = new StdioTransport({ env: harness.env, cwd: harness.workspace });
        upstreams.push(transport);
        return transport;
      },
    });
  });
  after(async () => {
    await browser?.close();
    await fixture?.close();
    await Promise.all(upstreams.map((upstream) => upstream.close()));
    await harness?.dispose();
  });

  it('the model calls it; the page runs it and its answer is what the model reads', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(fixture.relay.loginUrl(fixture.origin));
    await page.locator('body[data-ready="yes"]').waitFor({ state: 'attached' });
    harness.mock.enqueue(response(functionCall('page_title', {}, { callId: 'c_page' })), response(assistantMessage('It is "Tools in a page".')));
    const outcome = await page.evaluate(async () => (globalThis as unknown as { askThePage(prompt: string): Promise<{ finalResponse: string; runs: string[]; items: unknown[] }> }).askThePage('What page am I on?'));
    expect(outcome.runs).to.deep.equal(['Tools in a page']);
    expect(outcome.finalResponse).to.equal('It is "Tools in a page".');
    const output = harness.mock.requests.map((request) => request.functionCallOutput('c_page')).find((found) => found !== undefined);
    expect(output?.['output']).to.equal('the page is titled "Tools in a page"');
    await page.context().close();
  });
});
