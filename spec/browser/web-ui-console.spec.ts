import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { StdioTransport } from '../../src/transport/stdio-transport.js';
import { webPage } from '../../src/web/web-page.js';
import { startRelayFixture, type RelayFixture } from '../support/relay-fixture.js';

const CHROMIUM = process.env['CHROMIUM_BIN'] ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('web UI page load in headless Chromium: no console error', function () {
  this.timeout(90_000);
  let browser: Browser;
  let harness: AppServerHarness;
  let fixture: RelayFixture;
  let upstreams: StdioTransport[];
  // What the relay served, as seen by the server: Chromium fetches the icon itself, out of the page's sight.
  const served: string[] = [];

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    harness = await AppServerHarness.create();
    upstreams = [];
    const page = await webPage();
    fixture = await startRelayFixture({
      roots: [harness.workspace],
      page: (request, response) => {
        response.once('finish', () => served.push(`${response.statusCode} ${request.url}`));
        page(request, response);
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
    await Promise.all((upstreams ?? []).map((upstream) => upstream.close()));
    await harness?.dispose();
  });

  it('logs no error: every resource the page loads, the icon included, is found, and the CSP allows it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(fixture.relay.loginUrl(fixture.origin));
    await page.locator('.status.ok').waitFor();
    // The icon is fetched after the load: wait for it, and for any late error.
    for (let i = 0; i < 100 && !served.some((line) => line.includes('favicon')); i += 1) await page.waitForTimeout(50);
    await page.waitForTimeout(300);
    expect(errors).to.deep.equal([]);
    expect(served.filter((line) => !line.startsWith('200 '))).to.deep.equal([]);
    expect(served.some((line) => /^200 \/favicon/.test(line)), served.join(', ')).to.equal(true);
    await context.close();
  });
});
