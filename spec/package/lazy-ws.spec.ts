import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(import.meta.dirname, '../..');
const run = promisify(execFile);

// Every CommonJS module a process has loaded, `import`ed ones included, is in `require.cache`:
// `ws` and rxjs are CommonJS, so the cache says whether they were loaded.
const PROBE = `
const cache = () => Object.keys(globalThis.__require.cache);
const loaded = (name) => cache().some((path) => path.includes('/node_modules/' + name + '/'));
const probe = () => ({ ws: loaded('ws'), rxjs: loaded('rxjs') });
`;

/** Runs `body` (ESM, or CommonJS with `commonjs`) in a fresh node process at the package root; returns what it printed as JSON. */
async function inFreshProcess(body: string, options: { commonjs?: boolean } = {}): Promise<Record<string, { ws: boolean; rxjs: boolean }>> {
  const prelude = options.commonjs
    ? 'globalThis.__require = require;'
    : "import { createRequire } from 'node:module'; globalThis.__require = createRequire(import.meta.url);";
  const program = `${prelude}\n${PROBE}\n${body}`;
  const args = options.commonjs ? ['-e', program] : ['--input-type=module', '-e', program];
  const { stdout } = await run(process.execPath, args, { cwd: ROOT, timeout: 120_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, { ws: boolean; rxjs: boolean }>;
}

// Imported by package name, as a user's script does: through `exports` to the built dist/.
describe('what importing codex-rx loads', function () {
  this.timeout(180_000);

  it('`import "codex-rx"` and a turn over stdio never load ws; the first WebSocket connect does', async () => {
    const stages = await inFreshProcess(`
      const stages = {};
      const { Codex } = await import('codex-rx');
      stages.imported = probe();
      const { startScriptedCodex, response, deltas } = await import('codex-rx/testing');
      stages.testingImported = probe();
      {
        const scripted = await startScriptedCodex();
        scripted.mock.enqueue(response(deltas(['Hel', 'lo'])));
        const result = await (await scripted.codex.threadStart()).run('hi');
        if (result.finalResponse !== 'Hello' || !(scripted.codex instanceof Codex)) throw new Error('unexpected turn: ' + JSON.stringify(result));
        stages.afterStdioTurn = probe();
        await scripted.dispose();
      }
      {
        const scripted = await startScriptedCodex({ transport: 'websocket' });
        scripted.mock.enqueue(response(deltas(['Hi'])));
        const result = await (await scripted.codex.threadStart()).run('hi');
        if (result.finalResponse !== 'Hi') throw new Error('unexpected turn: ' + JSON.stringify(result));
        stages.afterWebSocketTurn = probe();
        await scripted.dispose();
      }
      console.log(JSON.stringify(stages));
    `);
    expect(stages).to.deep.equal({
      imported: { ws: false, rxjs: true },
      testingImported: { ws: false, rxjs: true },
      afterStdioTurn: { ws: false, rxjs: true },
      // The same probe sees ws once something needs it.
      afterWebSocketTurn: { ws: true, rxjs: true },
    });
  });

  it('`require("codex-rx")` from CommonJS works and does not load ws', async () => {
    const stages = await inFreshProcess(
      `
      const api = require('codex-rx');
      if (typeof api.Codex !== 'function' || typeof api.WebSocketTransport.connect !== 'function') throw new Error('incomplete exports');
      console.log(JSON.stringify({ required: probe() }));
    `,
      { commonjs: true },
    );
    expect(stages).to.deep.equal({ required: { ws: false, rxjs: true } });
  });
});
