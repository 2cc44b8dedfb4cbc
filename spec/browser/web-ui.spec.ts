import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { concatMap, delay, of } from 'rxjs';
import type { JsonRpcMessage } from '../../src/jsonrpc/json-rpc-message.js';
import { Codex } from '../../src/client/codex.js';
import { tool } from '../../src/client/tool.js';
import { REFUSED_METHOD_CODE } from '../../src/relay/create-relay.js';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { startListeningAppServer, type ListeningAppServer } from '../../src/testing/listening-app-server.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { execCommand } from '../../src/testing/script/exec-command.js';
import { functionCall } from '../../src/testing/script/function-call.js';
import { gate } from '../../src/testing/script/gate.js';
import { messageAdded, messageDone, textDelta } from '../../src/testing/script/message-events.js';
import { response } from '../../src/testing/script/response.js';
import type { EventStep } from '../../src/testing/script/response-script.js';
import { StdioTransport } from '../../src/transport/stdio-transport.js';
import type { Transport } from '../../src/transport/transport.js';
import { WebSocketTransport } from '../../src/transport/websocket-transport.js';
import { webPage } from '../../src/web/web-page.js';
import { WEB_UI_METHODS } from '../../src/web/web-ui-methods.js';
import { startRelayFixture, type RelayFixture } from '../support/relay-fixture.js';

const CHROMIUM = process.env['CHROMIUM_BIN'] ?? '/usr/bin/chromium';
const SHOTS = join(import.meta.dirname, '../../test-output/browser');
// Without the background-networking flags Chromium's own connections are refused on a closed network.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// What Chromium logs by itself while a relay is down: expected in the specs that stop it.
const SOCKET_DOWN = /WebSocket connection to .* failed|Failed to load resource/;

function outputItem(item: Record<string, unknown>): EventStep {
  return { kind: 'event', event: { type: 'response.output_item.done', item } };
}

/**
 * Controls without an accessible name, and visible text under 4.5:1 contrast (WCAG AA), in the
 * page. A string: the spec runner's transpiler would add helpers to a function that the page lacks.
 */
const AUDIT = String.raw`(() => {
  const nameOf = (node) => node.getAttribute('aria-label') || (node.labels && node.labels[0] && node.labels[0].textContent) || (node.tagName === 'BUTTON' ? node.textContent : '') || '';
  const unnamed = [...document.querySelectorAll('button, input, select, textarea')].filter((node) => nameOf(node).trim() === '').map((node) => node.outerHTML);
  const rgb = (color) => (color.match(/[\d.]+/g) || []).map(Number);
  const channel = (c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (node) => {
    for (let at = node; at !== null; at = at.parentElement) {
      const color = rgb(getComputedStyle(at).backgroundColor);
      if (color.length === 3 || (color.length === 4 && color[3] > 0.5)) return color;
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const node of document.querySelectorAll('body *')) {
    const text = [...node.childNodes].filter((child) => child.nodeType === Node.TEXT_NODE).map((child) => child.textContent).join('').trim();
    if (text === '' || node.offsetParent === null) continue;
    if (node instanceof HTMLButtonElement && node.disabled) continue; // WCAG exempts inactive controls
    const a = luminance(rgb(getComputedStyle(node).color));
    const b = luminance(background(node));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) low.push(ratio.toFixed(2) + ' ' + node.className + ' "' + text.slice(0, 30) + '"');
  }
  return { unnamed, low };
})()`;

const execResponse = () => response(execCommand('ls', { callId: 'call-ls' }));
const PATCH = "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: hello.txt\n+hello\n+world\n*** End Patch\nEOF\n";

describe('web UI in headless Chromium (relay, real app-server, scripted model)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let harness: AppServerHarness;
  let fixture: RelayFixture;
  let upstreams: Transport[];
  let page: Page;
  let consoleErrors: string[];
  let page$: typeof webPage extends () => Promise<infer P> ? P : never;

  before(async () => {
    // No skipping: without a browser these specs would pass by not running. .ci/run installs it.
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    page$ = await webPage();
  });
  after(async () => {
    await browser?.close();
  });

  /** A relay in front of the harness's app-server (one per browser over stdio, or a shared listening one). */
  const startRelay = (options: { readonly upstream?: () => Transport | Promise<Transport>; readonly stateDir?: string } = {}, port = 0) =>
    startRelayFixture(
      {
        page: page$,
        extraMethods: WEB_UI_METHODS,
        roots: [harness.workspace],
        ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
        upstream:
          options.upstream ??
          (() => {
            const transport = new StdioTransport({ env: harness.env, cwd: harness.workspace });
            upstreams.push(transport);
            return transport;
          }),
      },
      port,
    );

  const signIn = async () => {
    page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    await page.goto(fixture.relay.loginUrl(fixture.origin));
    await page.locator('.status.ok').waitFor();
  };

  beforeEach(async function () {
    harness = await AppServerHarness.create();
    upstreams = [];
    consoleErrors = [];
    // The relay specs at the end make their own.
    if (this.currentTest?.title.includes('relay restart') || this.currentTest?.title.includes('gives up') || this.currentTest?.title.includes('shared app-server')) return;
    fixture = await startRelay();
    await signIn();
  });
  afterEach(async function () {
    await page?.screenshot({ path: join(SHOTS, `${this.currentTest?.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 80)}.png`) }).catch(() => undefined);
    await page?.context().close();
    await fixture?.close();
    // The servers must have exited before their CODEX_HOME goes: one still exiting writes to it.
    await Promise.all(upstreams.map((upstream) => upstream.close()));
    await harness.dispose();
    const expected = this.currentTest?.title.includes('relay restart') || this.currentTest?.title.includes('gives up') ? SOCKET_DOWN : /^$/;
    expect(consoleErrors.filter((text) => !expected.test(text)), 'console errors').to.deep.equal([]);
  });

  /** Starts a thread from the sidebar with the default settings: its pane. */
  const newThread = async () => {
    const before = await page.locator('.pane').count();
    await page.click('.new-thread');
    await page.locator('.pane').nth(before).waitFor();
    return page.locator('.pane').nth(before);
  };
  const ask = async (pane: ReturnType<Page['locator']>, text: string) => {
    await pane.locator('.prompt').fill(text);
    await pane.locator('.prompt').press('Enter');
  };

  /** A thread with one finished turn, made by another client on the same CODEX_HOME (as another window would). */
  const storedThread = async (prompt: string, answer: string) => {
    harness.mock.enqueue(response(assistantMessage(answer)));
    const codex = await Codex.connect({ transport: () => new StdioTransport({ env: harness.env, cwd: harness.workspace }) });
    try {
      const thread = await codex.threadStart({});
      await thread.run(prompt);
      return thread.id;
    } finally {
      await codex.close();
    }
  };

  it('opens a thread from the list with its history, and continues it', async () => {
    const threadId = await storedThread('What is the zebra count?', 'There are **three** zebras.');
    await page.reload();
    const entry = page.locator(`.thread-entry[data-thread-id="${threadId}"]`);
    await entry.waitFor();
    expect(await entry.locator('.thread-title').textContent()).to.equal('What is the zebra count?');
    expect(await entry.locator('.thread-meta').textContent()).to.include(harness.workspace);
    await entry.click();
    const pane = page.locator(`.pane[data-thread-id="${threadId}"]`);
    await pane.locator('.agent-message strong', { hasText: 'three' }).waitFor();
    expect(await pane.locator('.user-message').first().textContent()).to.equal('What is the zebra count?');

    harness.mock.enqueue(response(deltas(['And ', 'now ', 'four.'])));
    await ask(pane, 'One more?');
    await pane.locator('.turn').nth(1).locator('.agent-message', { hasText: 'And now four.' }).waitFor();
    await pane.locator('.turn.completed').nth(1).waitFor();
    expect(await pane.locator('.turn').nth(1).locator('.turn-meta').textContent()).to.match(/^completed · \d+\.\d s · \d+ tokens/);
    // The second turn went to the same thread: the model saw the first one.
    expect(JSON.stringify(harness.mock.requests.at(-1)!.body)).to.include('There are **three** zebras.');
  });

  it('search shows partial rows as they stream, then the final page', async () => {
    // The server sends its partials and final page at once, within one frame of the page; this
    // relay passes the real server's search frames on 200 ms apart, as a slow search would.
    await page.context().close();
    await fixture.close();
    fixture = await startRelay({
      upstream: () => {
        const transport = new StdioTransport({ env: harness.env, cwd: harness.workspace });
        upstreams.push(transport);
        return paced(transport, (frame) => ('method' in frame && frame.method === 'thread/search/partial') || ('result' in frame && typeof frame.result === 'object' && frame.result !== null && 'data' in frame.result && 'id' in frame && searchIds.has(frame.id)), (frame) => {
          if ('method' in frame && frame.method === 'thread/search/stream' && 'id' in frame) searchIds.add(frame.id);
        });
      },
    });
    const searchIds = new Set<unknown>();
    consoleErrors = [];
    await signIn();
    const first = await storedThread('zebra crossing one', 'ok');
    const second = await storedThread('zebra crossing two', 'ok');
    await storedThread('giraffe', 'ok');
    await page.reload();
    await page.locator('.thread-entry').nth(2).waitFor();
    // Every text the search status showed, in order (the view draws once per frame).
    await page.evaluate(() => {
      const status = document.querySelector('.search-status')!;
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => seen.push(`${status.className}|${status.textContent}`)).observe(status, { childList: true, characterData: true, subtree: true, attributes: true });
    });
    // The server's partials are best effort (measured: none or one of the two hits per search),
    // so the same search runs until one has sent a partial (on a loaded machine six searches in a
    // row once sent none); each must end with the final page.
    let partials: string[] = [];
    for (let attempt = 1; attempt <= 20 && partials.length === 0; attempt += 1) {
      await page.evaluate(() => (window as unknown as { seen: string[] }).seen.splice(0));
      await page.fill('.search', 'zebra');
      await page.locator('.search-status.final').waitFor();
      const ids = await page.locator('.thread-entry').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-thread-id')));
      expect(ids).to.have.members([first, second]);
      const seen = await page.evaluate(() => [...(window as unknown as { seen: string[] }).seen]);
      expect(seen[0]).to.equal('search-status partial|searching… 0 found so far');
      expect(seen.at(-1)).to.equal('search-status final|2 threads found');
      partials = seen.slice(1, -1);
      for (const text of partials) expect(text).to.match(/^search-status partial\|searching… [12] found so far$/);
      await page.fill('.search', '');
      await page.locator('.thread-entry').nth(2).waitFor();
      await page.locator('.search-status.final').waitFor({ state: 'detached' });
    }
    expect(partials, 'a partial row drawn before the final page').to.not.be.empty;
  });

  it('renders each item type as it streams: reasoning, web search, command, file change (diff approval), goal, Markdown', async () => {
    harness.mock.enqueue(
      response(
        outputItem({ type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Look before leaping' }], content: [] }),
        outputItem({ type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'rxjs scan operator' } }),
        execCommand("printf 'alpha\\nbeta\\n'; exit 3", { callId: 'call-printf' }),
      ),
    );
    harness.mock.enqueue(response(execCommand(PATCH, { callId: 'call-patch' })));
    harness.mock.enqueue(response(functionCall('create_goal', { objective: 'Greet the world', token_budget: 5000 }, { callId: 'call-goal' })));
    harness.mock.enqueue(response(deltas(['## Done\n\n', '- wrote **hello.txt**\n', '- ran `printf`\n'])));
    const pane = await newThread();
    await ask(pane, 'Do everything');
    // Commands ask first (the thread asks the user): the card says what and where.
    const card = pane.locator('.approval');
    await card.locator('.command', { hasText: "printf 'alpha\\nbeta\\n'; exit 3" }).waitFor();
    expect(await card.locator('.cwd').textContent()).to.equal(`in ${harness.workspace}`);
    await card.locator('.accept').click();
    await pane.locator('.approval .diff-path', { hasText: 'hello.txt' }).waitFor();
    expect(await pane.locator('.approval .diff-body').textContent()).to.equal('hello\nworld\n');
    await page.screenshot({ path: join(SHOTS, 'approval-diff.png') });
    await pane.locator('.approval .accept-session').click();
    await pane.locator('.turn.completed').waitFor();

    const turn = pane.locator('.turn').first();
    expect(await turn.locator('.reasoning summary').textContent()).to.equal('Reasoning');
    expect(await turn.locator('.reasoning').getAttribute('open')).to.equal(null);
    expect(await turn.locator('.reasoning-text').textContent()).to.equal('Look before leaping');
    expect(await turn.locator('.web-search').textContent()).to.include('rxjs scan operator');
    const command = turn.locator('.command', { hasText: 'printf' });
    expect(await command.locator('.command-line').textContent()).to.equal("printf 'alpha\\nbeta\\n'; exit 3");
    expect(await command.locator('.output').textContent()).to.include('alpha\nbeta\n');
    expect(await command.locator('.command-meta').textContent()).to.match(/^failed · exit 3 · \d+\.\d s$/);
    expect(await turn.locator('.file-change .diff-path').textContent()).to.match(/^add .*hello\.txt$/);
    expect(readFileSync(join(harness.workspace, 'hello.txt'), 'utf8')).to.equal('hello\nworld\n');
    expect(await turn.locator('.agent-message h2').textContent()).to.equal('Done');
    expect(await turn.locator('.agent-message li').allTextContents()).to.deep.equal(['wrote hello.txt', 'ran printf']);
    await pane.locator('.goal', { hasText: 'Greet the world' }).waitFor();
    expect(await pane.locator('.goal').textContent()).to.match(/of 5,000$/);
    await page.screenshot({ path: join(SHOTS, 'web-ui.png') });
  });

  it('an approval shows the command as asked and its cwd; declined, the command does not run', async () => {
    harness.mock.enqueue(response(execCommand('touch approved.txt', { callId: 'call-touch' })));
    harness.mock.enqueue(response(assistantMessage('I did not run it.')));
    const pane = await newThread();
    await ask(pane, 'create approved.txt');
    await pane.locator('.approval .decline').waitFor();
    expect(await pane.locator('.approval .command').textContent()).to.equal('touch approved.txt');
    expect(await pane.locator('.approval .cwd').textContent()).to.equal(`in ${harness.workspace}`);
    await page.screenshot({ path: join(SHOTS, 'approval-asked.png') });
    await pane.locator('.approval .decline').click();
    await pane.locator('.turn.completed').waitFor();
    expect(await pane.locator('.approval').count()).to.equal(0);
    expect(await pane.locator('.command-meta').first().textContent()).to.match(/^declined/);
    expect(existsSync(join(harness.workspace, 'approved.txt'))).to.equal(false);
  });

  it('steers the running turn, and Esc interrupts it; an approval withdrawn by the interrupt leaves', async () => {
    const hold = gate('held');
    harness.mock.enqueue(response(deltas(['Working']), hold, deltas([' on it.'])));
    harness.mock.enqueue(response(execCommand('touch withdrawn.txt', { callId: 'call-withdrawn' })));
    const pane = await newThread();
    await ask(pane, 'long job');
    await hold.reached;
    await pane.locator('.agent-message', { hasText: 'Working' }).waitFor();
    await pane.locator('.prompt').fill('Also mind the tests');
    await pane.locator('.steer').click();
    hold.open();
    // The steered input reaches the model in the same turn.
    await pane.locator('.approval .command', { hasText: 'touch withdrawn.txt' }).waitFor();
    expect(JSON.stringify(harness.mock.requests.at(-1)!.body)).to.include('Also mind the tests');
    expect(await pane.locator('.turn').count()).to.equal(1);
    await pane.locator('.prompt').press('Escape');
    await pane.locator('.turn.interrupted').waitFor();
    await pane.locator('.approval').waitFor({ state: 'detached' });
    expect(existsSync(join(harness.workspace, 'withdrawn.txt'))).to.equal(false);
    expect(await pane.locator('.turn-meta').textContent()).to.match(/^interrupted/);
  });

  it('typed output: a schema strict mode would refuse is shown, not sent; the partial object renders live, then the validated value', async () => {
    const schema = {
      type: 'object',
      properties: { title: { type: 'string' }, score: { type: 'number' }, tags: { type: 'array', items: { type: 'string' } } },
      required: ['title', 'score', 'tags'],
      additionalProperties: false,
    };
    const pane = await newThread();
    await pane.locator('.typed summary').click();
    // Without additionalProperties: false and with a property left out of required: refused in the form.
    await pane.locator('.schema').fill(JSON.stringify({ type: 'object', properties: { a: { type: 'string' } } }));
    await ask(pane, 'the review');
    await pane.locator('.schema-violations li').first().waitFor();
    const violations = await pane.locator('.schema-violations li').allTextContents();
    expect(violations.join('\n')).to.include('additionalProperties must be false').and.to.include('property "a" is not in required');
    expect(await pane.locator('.prompt').inputValue()).to.equal('the review');
    expect(await pane.locator('.turn').count()).to.equal(0);
    expect(harness.mock.requests).to.have.length(0);

    // Every render of the typed output, as the page draws it.
    await page.evaluate(`(() => {
      window.typedRenders = [];
      new MutationObserver(() => {
        const node = document.querySelector('.typed-output pre');
        const last = window.typedRenders[window.typedRenders.length - 1];
        const final = node !== null && node.parentElement.classList.contains('final');
        if (node !== null && (last === undefined || node.textContent !== last.text || final !== last.final)) window.typedRenders.push({ text: node.textContent, final });
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    })()`);
    const chunks = ['{"title":"Rev', 'iew of', ' the plan","score":', '4', '2,"tags":["a"', ',"b"]}'];
    harness.mock.enqueue(response(deltas(chunks, { delayMs: 250 })));
    await pane.locator('.schema').fill(JSON.stringify(schema));
    await pane.locator('.prompt').press('Enter');
    await pane.locator('.typed-output.final pre').waitFor();
    const final = { title: 'Review of the plan', score: 42, tags: ['a', 'b'] };
    expect(JSON.parse((await pane.locator('.typed-output.final pre').textContent())!)).to.deep.equal(final);
    expect(await pane.locator('.schema-violations').count()).to.equal(0);
    const renders = (await page.evaluate('window.typedRenders')) as { text: string; final: boolean }[];
    const values = renders.map((render) => ({ value: JSON.parse(render.text) as Record<string, unknown>, final: render.final }));
    // Partial objects came first, each with fewer keys (or a shorter title) than the final value.
    const partials = values.filter((render) => !render.final);
    expect(partials.length, JSON.stringify(renders)).to.be.at.least(2);
    expect(partials.some((render) => Object.keys(render.value).length < Object.keys(final).length)).to.equal(true);
    expect(partials.some((render) => typeof render.value['title'] === 'string' && render.value['title'] !== final.title)).to.equal(true);
    expect(values.at(-1)).to.deep.equal({ value: final, final: true });
    expect(values.findIndex((render) => render.final)).to.equal(values.length - 1);
    const body = harness.mock.requests.at(-1)!.body as { text?: { format?: { type: string; schema: unknown } } };
    expect(body.text?.format?.type).to.equal('json_schema');
    expect(body.text?.format?.schema).to.deep.equal(schema);
  });

  it('a client tool on a shared app-server: the page shows its name, arguments and result, and leaves the answer to the client that holds it', async () => {
    // One app-server, two clients: a Node client that starts the thread with its tool (the relay
    // refuses dynamicTools from a page), and the page, which opens the thread and sends the turn.
    const server: ListeningAppServer = await startListeningAppServer(harness);
    const upstream = () => WebSocketTransport.connect(server.url, { token: server.token });
    const owner = await Codex.connect({ transport: upstream });
    try {
      const runs: string[] = [];
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const ticket = tool({
        name: 'ticket',
        description: 'Reads a ticket by id',
        input: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false },
        run: async (args) => {
          const { id } = args as { id: string };
          runs.push(id);
          await released;
          return `T-${id}: the login page is slow`;
        },
      });
      harness.mock.enqueue(response(assistantMessage('Ready.')));
      const thread = await owner.threadStart({ tools: [ticket] });
      await thread.run('Get ready'); // a thread is listed only after its first turn
      fixture = await startRelay({ upstream });
      await signIn();
      await page.locator(`.thread-entry[data-thread-id="${thread.id}"]`).click();
      const pane = page.locator(`.pane[data-thread-id="${thread.id}"]`);
      await pane.locator('.turn.completed').waitFor();

      harness.mock.enqueue(response(functionCall('ticket', { id: '42' }, { callId: 'c_ticket' })), response(assistantMessage('Ticket 42: the login page is slow.')));
      await ask(pane, 'What is ticket 42 about?');
      const call = pane.locator('.tool-call');
      // While the Node client runs it, the page shows the call running, with no answer of its own.
      await call.filter({ hasText: 'running' }).waitFor();
      expect(await call.locator('.tool-result').count()).to.equal(0);
      release();
      await call.locator('.tool-result').waitFor();
      await pane.locator('.turn.completed').nth(1).waitFor();
      expect(await call.locator('.tool-name').textContent()).to.equal('ticket');
      expect(JSON.parse((await call.locator('.tool-args').textContent())!)).to.deep.equal({ id: '42' });
      expect(await call.locator('.tool-result').textContent()).to.equal('T-42: the login page is slow');
      expect(await call.textContent()).to.include('completed');
      expect(await pane.locator('.agent-message', { hasText: 'Ticket 42: the login page is slow.' }).count()).to.equal(1);
      // The Node client ran it, once, and its answer is what the model read.
      expect(runs).to.deep.equal(['42']);
      const output = harness.mock.requests.map((request) => request.functionCallOutput('c_ticket')).find((found) => found !== undefined);
      expect(output?.['output']).to.equal('T-42: the login page is slow');
    } finally {
      await page.context().close();
      await fixture.close();
      await owner.close();
      await server.stop();
    }
  });

  it('keyboard and accessibility: Shift+Enter is a new line, every control has a name, tab order follows the page, text contrast is at least 4.5:1', async () => {
    harness.mock.enqueue(execResponse());
    harness.mock.enqueue(response(assistantMessage('Listed. `ok` and **done**.')));
    const pane = await newThread();
    await pane.locator('.prompt').fill('first line');
    await pane.locator('.prompt').press('Shift+Enter');
    await pane.locator('.prompt').pressSequentially('second line');
    expect(await pane.locator('.prompt').inputValue()).to.equal('first line\nsecond line');
    expect(await pane.locator('.turn').count()).to.equal(0);
    await pane.locator('.prompt').press('Enter');
    await pane.locator('.approval .accept').waitFor();
    const audit = (await page.evaluate(AUDIT)) as { unnamed: string[]; low: string[] };
    expect(audit.unnamed, 'controls without an accessible name').to.deep.equal([]);
    expect(audit.low, 'text below 4.5:1').to.deep.equal([]);
    // Tab from the top goes through the new-thread form, then the search, before the pane.
    await page.locator('body').click({ position: { x: 1, y: 1 } });
    const order: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => document.activeElement?.getAttribute('name') ?? document.activeElement?.className ?? ''));
    }
    expect(order).to.deep.equal(['cwd', 'model', 'effort', 'sandbox', 'new-thread', 'search']);
    await pane.locator('.approval .accept').click();
    await pane.locator('.turn.completed').waitFor();
  });

  it('a hostile Markdown message runs no script and adds no markup', async () => {
    const hostile = [
      '<script>window.pwned = 1</script>',
      '<img src=x onerror="window.pwned = 2">',
      '[click](javascript:window.pwned=3)',
      '<a href="javascript:window.pwned=4">a</a>',
      '![x](javascript:window.pwned=5)',
      '<iframe srcdoc="<script>parent.pwned=6</script>"></iframe>',
      '[data](data:text/html,<script>alert(7)</script>)',
    ].join('\n\n');
    harness.mock.enqueue(response(assistantMessage(hostile)));
    const pane = await newThread();
    await ask(pane, 'be hostile');
    await pane.locator('.turn.completed').waitFor();
    const markdown = pane.locator('.agent-message .markdown');
    expect(await markdown.locator('script, img, iframe, [onerror]').count()).to.equal(0);
    expect(await markdown.locator('a').count()).to.equal(0);
    expect(await markdown.textContent()).to.include('<script>window.pwned = 1</script>');
    await markdown.locator('p').first().click();
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).to.equal(undefined);
  });

  it('a command printing 10,000 lines keeps the page bounded: the last lines, and a count of the rest', async () => {
    harness.mock.enqueue(response(execCommand('seq 1 10000', { callId: 'call-seq' })));
    harness.mock.enqueue(response(assistantMessage('Counted.')));
    const pane = await newThread();
    await ask(pane, 'count');
    await pane.locator('.approval .accept').click();
    await pane.locator('.turn.completed').waitFor();
    const output = pane.locator('.command .output');
    const text = (await output.textContent())!;
    expect(text.split('\n').length).to.be.at.most(402);
    expect(text.trimEnd().endsWith('\n10000')).to.equal(true);
    expect(await output.locator('.hidden-lines').textContent()).to.match(/^… 9,6\d\d earlier lines not shown/);
    expect(await page.evaluate(() => document.getElementsByTagName('*').length)).to.be.below(400);
  });

  it('a relay restart while a turn streams: banner, same session, the turn finishes in place with its whole text', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'relay-state-'));
    // An app-server that outlives the relay, as `codex-rx web --upstream ws://…` has.
    const server: ListeningAppServer = await startListeningAppServer(harness);
    try {
      const upstream = () => WebSocketTransport.connect(server.url, { token: server.token });
      fixture = await startRelay({ upstream, stateDir });
      await signIn();
      const hold = gate('held');
      // One message, streamed on both sides of the cut.
      const chunks = ['Before ', 'the cut, ', 'during ', 'the gap, ', 'and after.'];
      harness.mock.enqueue(
        response(messageAdded('msg_cut', undefined), ...chunks.slice(0, 2).map((chunk) => textDelta('msg_cut', chunk)), hold, ...chunks.slice(2).map((chunk) => textDelta('msg_cut', chunk)), messageDone('msg_cut', chunks.join(''), undefined)),
      );
      const pane = await newThread();
      await ask(pane, 'stream through a restart');
      await hold.reached;
      await pane.locator('.agent-message', { hasText: 'Before the cut,' }).waitFor();
      const port = Number(new URL(fixture.origin).port);
      await fixture.close();
      await page.locator('.status.warn', { hasText: 'reconnecting' }).waitFor();
      await page.screenshot({ path: join(SHOTS, 'reconnecting.png') });
      // What streams while no relay listens is never sent again: only the completed item has it.
      hold.open();
      await new Promise((resolve) => setTimeout(resolve, 300));
      fixture = await startRelay({ upstream, stateDir }, port);
      await page.locator('.status.ok').waitFor({ timeout: 20_000 });
      await pane.locator('.turn.completed').waitFor();
      expect(await pane.locator('.agent-message .markdown').textContent()).to.equal('Before the cut, during the gap, and after.\n');
      // The same page and session: no new login, and the pane is the one that was open.
      expect(page.url()).to.equal(`${fixture.origin}/`);
      expect(fixture.relay.connections).to.equal(1);
      expect(await page.locator('.pane').count()).to.equal(1);
    } finally {
      await page.context().close();
      await fixture.close();
      await server.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('when reconnection gives up, the page offers Reconnect, which opens the threads again', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'relay-state-'));
    try {
      fixture = await startRelay({ stateDir });
      await signIn();
      harness.mock.enqueue(response(assistantMessage('Kept.')));
      const pane = await newThread();
      await ask(pane, 'remember me');
      await pane.locator('.turn.completed').waitFor();
      const threadId = await pane.getAttribute('data-thread-id');
      const port = Number(new URL(fixture.origin).port);
      await fixture.close();
      await page.locator('.status .reconnect').waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(SHOTS, 'gave-up.png') });
      fixture = await startRelay({ stateDir }, port);
      await page.click('.status .reconnect');
      await page.locator('.status.ok').waitFor();
      await page.locator(`.pane[data-thread-id="${threadId}"] .agent-message`, { hasText: 'Kept.' }).waitFor();
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
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
      // Chromium reports the refused handshake in the other page's console, not in this one's.
    } finally {
      other.server.close();
    }
  });

  it('refuses a browser without the session cookie, and a method outside the policy', async () => {
    const stranger = await browser.newContext();
    const answer = await (await stranger.newPage()).goto(`${fixture.origin}/`);
    expect(answer?.status()).to.equal(401);
    await stranger.close();
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
    expect((reply as { error: { code: number; message: string } }).error.code).to.equal(REFUSED_METHOD_CODE);
  });
});

/** The transport with the frames `slow` picks delivered 200 ms apart (order kept); `sent` sees what the page sends. */
function paced(inner: Transport, slow: (frame: JsonRpcMessage) => boolean, sent: (frame: JsonRpcMessage) => void): Transport {
  return {
    frames$: inner.frames$.pipe(concatMap((frame) => (slow(frame) ? of(frame).pipe(delay(200)) : of(frame)))),
    diagnostics$: inner.diagnostics$,
    send: (frame) => {
      sent(frame);
      inner.send(frame);
    },
    close: () => inner.close(),
  };
}

async function serveOtherOrigin(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end('<!doctype html><title>elsewhere</title><link rel="icon" href="data:,">');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
