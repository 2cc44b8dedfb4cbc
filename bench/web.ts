/**
 * The web UI in headless Chromium against the real app-server (scripted model), through the
 * relay: the size of the page's script, how soon a stored 200-turn thread is drawn after a click,
 * and what a command printing 10,000 (and 100,000) lines leaves in the page's heap and DOM.
 */
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { Codex } from '../src/client/codex.js';
import { AppServerHarness } from '../src/testing/app-server-harness.js';
import { assistantMessage } from '../src/testing/script/assistant-message.js';
import { execCommand } from '../src/testing/script/exec-command.js';
import { response } from '../src/testing/script/response.js';
import { StdioTransport } from '../src/transport/stdio-transport.js';
import { webPage } from '../src/web/web-page.js';
import { WEB_UI_METHODS } from '../src/web/web-ui-methods.js';
import { startRelayFixture } from '../spec/support/relay-fixture.js';
import { progress } from './lib/format.js';

const CHROMIUM = process.env['CHROMIUM_BIN'] ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TURNS = 200;
const PAINTS = 5;

/** The page's script as the relay serves it (esbuild, browser, minified), gzipped at level 9. */
async function scriptSize(): Promise<{ bytes: number; gzipBytes: number }> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../src/web/app.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
}

function markdownAnswer(turn: number): string {
  return `### Step ${turn}\n\nChanged **src/file-${turn}.ts** and ran \`npm test\`:\n\n- one thing\n- another thing\n\n\`\`\`ts\nconst answer = ${turn};\n\`\`\`\n`;
}

/** The web UI benchmark, as a markdown section for `npm run bench`. */
export async function runWebBench(): Promise<string> {
  const size = await scriptSize();
  const harness = await AppServerHarness.create();
  const upstreams: StdioTransport[] = [];
  const fixture = await startRelayFixture({
    page: await webPage(),
    extraMethods: WEB_UI_METHODS,
    upstream: () => {
      const transport = new StdioTransport({ env: harness.env, cwd: harness.workspace });
      upstreams.push(transport);
      return transport;
    },
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  try {
    progress(`web: storing a thread of ${TURNS} turns`);
    const codex = await Codex.connect({ transport: () => new StdioTransport({ env: harness.env, cwd: harness.workspace }) });
    const thread = await codex.threadStart({});
    for (let turn = 1; turn <= TURNS; turn += 1) {
      harness.mock.enqueue(response(assistantMessage(markdownAnswer(turn))));
      await thread.run(`Do step ${turn} of the plan`);
    }
    await codex.close();

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    await page.goto(fixture.relay.loginUrl(fixture.origin));
    await page.locator('.status.ok').waitFor();
    const entry = page.locator(`.thread-entry[data-thread-id="${thread.id}"]`);
    const paints: number[] = [];
    for (let round = 0; round < PAINTS; round += 1) {
      progress(`web: first paint of ${TURNS} turns, round ${round + 1}/${PAINTS}`);
      await entry.waitFor();
      // From the click to the frame after the last turn is in the DOM: read, resume, reduce and draw.
      const started = await page.evaluate(() => performance.now());
      await entry.click();
      await page.locator('.turn').nth(TURNS - 1).waitFor({ state: 'attached' });
      const painted = await page.evaluate(() => new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now()))));
      paints.push(painted - started);
      await page.locator('.pane .close').click();
      await page.locator('.pane').waitFor({ state: 'detached' });
    }

    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const measure = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = await cdp.send('Performance.getMetrics');
      const metric = (name: string) => metrics.find((entry) => entry.name === name)?.value ?? 0;
      return { heap: metric('JSHeapUsedSize'), nodes: await page.evaluate(() => document.getElementsByTagName('*').length) };
    };
    const rows: string[] = [];
    for (const lines of [10_000, 100_000]) {
      progress(`web: a command printing ${lines} lines`);
      await page.click('.new-thread');
      const pane = page.locator('.pane').last();
      await pane.waitFor();
      const before = await measure();
      harness.mock.enqueue(response(execCommand(`seq 1 ${lines}`)));
      harness.mock.enqueue(response(assistantMessage('Counted.')));
      await pane.locator('.prompt').fill('count');
      await pane.locator('.prompt').press('Enter');
      await pane.locator('.approval .accept').click();
      await pane.locator('.turn.completed').waitFor({ timeout: 120_000 });
      const after = await measure();
      const shown = await pane.locator('.command .output').evaluate((node) => node.textContent!.split('\n').length - 1);
      rows.push(`| ${lines.toLocaleString('en')} | ${shown} | ${(after.nodes - before.nodes).toLocaleString('en')} | ${((after.heap - before.heap) / 2 ** 20).toFixed(2)} MiB | ${(after.heap / 2 ** 20).toFixed(1)} MiB |`);
      await pane.locator('.close').click();
    }
    const sorted = [...paints].sort((a, b) => a - b);
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
    return [
      '### Web UI (headless Chromium, relay, real app-server with the scripted model)',
      '',
      `Page script (src/web/app.ts with codex-rx/browser, RxJS and markdown-it; esbuild, minified): ${kb(size.bytes)}, ${kb(size.gzipBytes)} gzip (budget 150 KB gzip).`,
      '',
      `First paint of a stored ${TURNS}-turn thread (Markdown answers), from the click in the sidebar to the frame after the last turn is drawn (thread/read with turns, thread/resume, reduce, draw), ${PAINTS} rounds:`,
      '',
      '| median | min | max |',
      '| ---: | ---: | ---: |',
      `| ${sorted[Math.floor(PAINTS / 2)]!.toFixed(0)} ms | ${sorted[0]!.toFixed(0)} ms | ${sorted.at(-1)!.toFixed(0)} ms |`,
      '',
      'A command printing many lines (the pane keeps the last 400 lines and counts the rest); heap after a forced GC:',
      '',
      '| lines printed | lines in the DOM | DOM elements added | JS heap added | JS heap |',
      '| ---: | ---: | ---: | ---: | ---: |',
      ...rows,
    ].join('\n');
  } finally {
    await browser.close();
    await fixture.close();
    await Promise.all(upstreams.map((upstream) => upstream.close()));
    await harness.dispose();
  }
}
