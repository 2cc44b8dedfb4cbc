import { expect } from 'chai';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REFUSED_METHOD_CODE } from '../../src/relay/create-relay.js';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { execCommand } from '../../src/testing/script/exec-command.js';
import { gate } from '../../src/testing/script/gate.js';
import { response } from '../../src/testing/script/response.js';
import { StdioTransport } from '../../src/transport/stdio-transport.js';
import { webPage } from '../../src/web/web-page.js';
import { startRelayFixture, type RelayFixture } from '../support/relay-fixture.js';

const CHROMIUM = process.env['CHROMIUM_BIN'] ?? '/usr/bin/chromium';
const SHOTS = join(import.meta.dirname, '../../test-output/browser');
// Without the background-networking flags Chromium's own connections are refused on a closed network.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('web UI in headless Chromium (relay, real app-server, scripted model)', function () {
  this.timeout(90_000);
  let browser: Browser;
  let harness: AppServerHarness;
  let fixture: RelayFixture;
  let upstreams: StdioTransport[];
  let page: Page;

  before(async () => {
    // No skipping: without a browser these specs would pass by not running. .ci/run installs it.
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    harness = await AppServerHarness.create();
    upstreams = [];
    fixture = await startRelayFixture({
      page: await webPage(),
      roots: [harness.workspace],
      upstream: () => {
        const transport = new StdioTransport({ env: harness.env, cwd: harness.workspace });
        upstreams.push(transport);
        return transport;
      },
    });
    page = await (await browser.newContext()).newPage();
    await page.goto(fixture.relay.loginUrl(fixture.origin));
    await page.locator('.status.ok').waitFor();
  });
  afterEach(async function () {
    await page.screenshot({ path: join(SHOTS, `${this.currentTest?.title.replace(/[^a-z0-9]+/gi, '-')}.png`) }).catch(() => undefined);
    await page.context().close();
    await fixture.close();
    // The servers must have exited before their CODEX_HOME goes: one still exiting writes to it.
    await Promise.all(upstreams.map((upstream) => upstream.close()));
    await harness.dispose();
  });

  const openPanes = async (count: number) => {
    for (let i = 1; i <= count; i += 1) {
      await page.click('.new-thread');
      await page.locator('.pane').nth(i - 1).waitFor();
    }
    return [...Array(count).keys()].map((i) => page.locator('.pane').nth(i));
  };

  it('loads the page, signed in by the login link, and connects through the relay', async () => {
    expect(page.url()).to.equal(`${fixture.origin}/`);
    expect(await page.locator('.status').textContent()).to.match(/^connected/);
    expect(fixture.relay.connections).to.equal(1);
  });

  it('streams two turns concurrently into their panes', async () => {
    const [holdA, holdB] = [gate('a'), gate('b')];
    harness.mock.enqueue(response(deltas(['Alpha ', 'one']), holdA, deltas([' done'])));
    harness.mock.enqueue(response(deltas(['Beta ', 'two']), holdB, deltas([' done'])));
    const [a, b] = await openPanes(2);
    await a!.locator('.prompt').fill('first');
    await a!.locator('.send').click();
    await holdA.reached;
    await b!.locator('.prompt').fill('second');
    await b!.locator('.send').click();
    await holdB.reached;
    // Both turns are mid-stream at once, each pane showing only its own text.
    await a!.locator('.output', { hasText: 'Alpha one' }).waitFor();
    await b!.locator('.output', { hasText: 'Beta two' }).waitFor();
    expect(await a!.locator('.state').textContent()).to.equal('running');
    expect(await b!.locator('.state').textContent()).to.equal('running');
    await page.screenshot({ path: join(SHOTS, 'two-turns-streaming.png'), clip: { x: 0, y: 0, width: 860, height: 275 } });
    holdA.open();
    holdB.open();
    await a!.locator('.state', { hasText: 'completed' }).waitFor();
    await b!.locator('.state', { hasText: 'completed' }).waitFor();
    expect(await a!.locator('.output').textContent()).to.equal('Alpha one done');
    expect(await b!.locator('.output').textContent()).to.equal('Beta two done');
    expect(await a!.locator('.usage').textContent()).to.match(/tokens: \d+ in/);
  });

  it('declining an approval by clicking keeps the command from running (checked on disk)', async () => {
    harness.mock.enqueue(response(execCommand('touch approved.txt', { callId: 'call-touch' })));
    harness.mock.enqueue(response(assistantMessage('I did not run it.')));
    const [pane] = await openPanes(1);
    await pane!.locator('.prompt').fill('create approved.txt');
    await pane!.locator('.send').click();
    await pane!.locator('.approval .decline').waitFor();
    expect(await pane!.locator('.approval .command').textContent()).to.include('touch approved.txt');
    await page.screenshot({ path: join(SHOTS, 'approval-asked.png') });
    await pane!.locator('.approval .decline').click();
    await pane!.locator('.state', { hasText: 'completed' }).waitFor();
    expect(await pane!.locator('.decided').textContent()).to.match(/^declined/);
    expect(existsSync(join(harness.workspace, 'approved.txt'))).to.equal(false);
  });

  it('accepting the same approval by clicking runs the command (the check on disk can see it)', async () => {
    harness.mock.enqueue(response(execCommand('touch approved.txt', { callId: 'call-touch' })));
    harness.mock.enqueue(response(assistantMessage('Done.')));
    const [pane] = await openPanes(1);
    await pane!.locator('.prompt').fill('create approved.txt');
    await pane!.locator('.send').click();
    await pane!.locator('.approval .accept').click();
    await pane!.locator('.state', { hasText: 'completed' }).waitFor();
    expect(existsSync(join(harness.workspace, 'approved.txt'))).to.equal(true);
  });

  it('an approval the server withdraws (its turn interrupted) leaves the pane; the command never runs', async () => {
    harness.mock.enqueue(response(execCommand('touch withdrawn.txt', { callId: 'call-withdrawn' })));
    const [pane] = await openPanes(1);
    await pane!.locator('.prompt').fill('create withdrawn.txt');
    await pane!.locator('.send').click();
    await pane!.locator('.approval .accept').waitFor();
    await pane!.locator('.interrupt').click();
    await pane!.locator('.state', { hasText: 'interrupted' }).waitFor();
    await pane!.locator('.approval').waitFor({ state: 'detached' });
    expect(await pane!.locator('.approval').count()).to.equal(0);
    expect(existsSync(join(harness.workspace, 'withdrawn.txt'))).to.equal(false);
  });

  it('interrupts a running turn from its pane', async () => {
    const hold = gate('held');
    harness.mock.enqueue(response(deltas(['Working']), hold, deltas([' never shown'])));
    const [pane] = await openPanes(1);
    await pane!.locator('.prompt').fill('long job');
    await pane!.locator('.send').click();
    await hold.reached;
    await pane!.locator('.output', { hasText: 'Working' }).waitFor();
    await pane!.locator('.interrupt').click();
    await pane!.locator('.state', { hasText: 'interrupted' }).waitFor();
    hold.open();
    expect(await pane!.locator('.output').textContent()).to.equal('Working');
  });

  it('a page from another origin cannot open the relay socket, though the browser sends the cookie', async () => {
    const other = await serveOtherOrigin();
    try {
      const otherPage = await page.context().newPage();
      await otherPage.goto(other.origin);
      const outcome = await otherPage.evaluate(
        (url) =>
          new Promise<string>((resolve) => {
            const socket = new WebSocket(url);
            socket.onopen = () => resolve('open');
            socket.onclose = (event) => resolve(`closed ${event.code}`);
          }),
        fixture.socketUrl,
      );
      expect(outcome).to.equal('closed 1006');
      expect(upstreams).to.have.length(1); // only the relay's own page got an app-server
      await otherPage.close();
    } finally {
      other.server.close();
    }
  });

  it('refuses a browser without the session cookie', async () => {
    const stranger = await browser.newContext();
    const answer = await (await stranger.newPage()).goto(`${fixture.origin}/`);
    expect(answer?.status()).to.equal(401);
    await stranger.close();
  });

  it('a refused method returns the JSON-RPC error to the page', async () => {
    const reply = await page.evaluate(
      (url) =>
        new Promise<unknown>((resolve) => {
          const socket = new WebSocket(url);
          socket.onopen = () => socket.send(JSON.stringify({ id: 41, method: 'account/login/start', params: { type: 'apiKey', apiKey: 'sk-x' } }));
          socket.onmessage = (event) => {
            resolve(JSON.parse(String(event.data)));
            socket.close();
          };
        }),
      fixture.socketUrl,
    );
    expect(reply).to.deep.include({ id: 41 });
    expect((reply as { error: { code: number; message: string } }).error.code).to.equal(REFUSED_METHOD_CODE);
    expect((reply as { error: { message: string } }).error.message).to.include('account/login/start');
  });

  it('shows the lost connection in the page when the app-server is killed', async () => {
    const hold = gate('held');
    harness.mock.enqueue(response(deltas(['Half']), hold));
    const [pane] = await openPanes(1);
    await pane!.locator('.prompt').fill('anything');
    await pane!.locator('.send').click();
    await hold.reached;
    process.kill(upstreams[0]!.pid!, 'SIGKILL');
    await page.locator('.status.error', { hasText: 'Connection lost' }).waitFor();
    await pane!.locator('.error', { hasText: 'Connection lost' }).waitFor();
    hold.open();
  });
});

async function serveOtherOrigin(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end('<!doctype html><title>elsewhere</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
