import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { startListeningAppServer, type ListeningAppServer } from '../../src/testing/listening-app-server.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { response } from '../../src/testing/script/response.js';
import { resolveCodexBinary } from '../../src/transport/codex-binary.js';

// What a new user meets: the packed tarball installed into fresh projects (not this repository),
// type-checked strictly under each module resolution, run as ESM and CommonJS against the real
// server, and installed without the server binary for remote use. `npm test` builds dist/ first.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = join(ROOT, 'spec/package/consumer');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
// The application's own rxjs, deliberately not the version this repository develops with; it is
// a devDependency (under an alias) so that `npm ci` leaves it in the npm cache.
const APP_RXJS = '7.8.1';

interface Output {
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Output> {
  const { CODEX_BIN: _ignored, ...inherited } = process.env;
  return new Promise((done, fail) => {
    execFile(command, args, { cwd, env: { ...inherited, ...env }, timeout: 240_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`, { cause: error }));
      else done({ stdout, stderr });
    });
  });
}

/**
 * Installs from the npm cache only. The cache `npm ci` fills holds the tarballs but not every
 * registry document a lockfile-less install asks for; those are fetched once, then cached too.
 */
async function installOffline(cwd: string, ...flags: string[]): Promise<Output> {
  const args = ['install', '--no-audit', '--no-fund', ...flags];
  try {
    return await run('npm', [...args, '--offline'], cwd);
  } catch (error) {
    if (!String(error).includes('ENOTCACHED')) throw error;
    return run('npm', [...args, '--prefer-offline'], cwd);
  }
}

function tsconfig(module: string, moduleResolution: string, include: readonly string[], emit: boolean): string {
  return JSON.stringify({
    compilerOptions: {
      strict: true,
      target: 'ES2022',
      lib: ['ES2022', 'ESNext.Disposable'],
      module,
      moduleResolution,
      types: [],
      ...(emit ? { outDir: 'out' } : { noEmit: true }),
    },
    include,
  });
}

describe('the packed package, installed into fresh projects', function () {
  this.timeout(600_000);
  let work: string;
  let app: string;
  let remote: string;
  let installOutput: Output;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'codex-rx-consumer-'));
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
    const tarball = join(work, (JSON.parse(stdout) as [{ filename: string }])[0].filename);
    app = join(work, 'app');
    remote = join(work, 'remote');
    const manifest = JSON.stringify({ name: 'consumer', private: true, dependencies: { 'codex-rx': `file:${tarball}`, rxjs: APP_RXJS } });
    await Promise.all([mkdir(app), mkdir(remote)]);
    await Promise.all([writeFile(join(app, 'package.json'), manifest), writeFile(join(remote, 'package.json'), manifest)]);
    // One install as most users make it, one leaving the server binary out; they share the cache.
    [installOutput] = await Promise.all([installOffline(app), installOffline(remote, '--omit=optional')]);
    await Promise.all([
      copyFile(join(FIXTURES, 'scripted-turns.mts'), join(app, 'scripted-turns.mts')),
      copyFile(join(FIXTURES, 'scripted-turns.cts'), join(app, 'scripted-turns.cts')),
      copyFile(join(ROOT, 'spec/package/readme-tour.ts'), join(app, 'readme-tour.mts')),
      copyFile(join(FIXTURES, 'remote-client.mjs'), join(remote, 'remote-client.mjs')),
      writeFile(join(app, 'tsconfig.nodenext.json'), tsconfig('nodenext', 'nodenext', ['*.mts', '*.cts'], true)),
      writeFile(join(app, 'tsconfig.node16.json'), tsconfig('node16', 'node16', ['*.mts'], false)),
      writeFile(join(app, 'tsconfig.bundler.json'), tsconfig('preserve', 'bundler', ['*.mts', '*.cts'], false)),
    ]);
  });

  after(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('installs without a warning, and shares the application rxjs instead of bringing its own', async () => {
    expect(installOutput.stderr).to.not.match(/warn/i);
    const { stdout } = await run('npm', ['ls', 'rxjs', '--all', '--parseable'], app);
    expect(stdout.trim().split('\n')).to.deep.equal([join(app, 'node_modules/rxjs')]);
    const installed = JSON.parse(readFileSync(join(app, 'node_modules/rxjs/package.json'), 'utf8')) as { version: string };
    expect(installed.version).to.equal(APP_RXJS);
  });

  it('ships the license and source maps whose sources are in the package', () => {
    const pkg = join(app, 'node_modules/codex-rx');
    expect(readFileSync(join(pkg, 'LICENSE'), 'utf8')).to.include('Apache License');
    const maps = readdirSync(join(pkg, 'dist'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.map'));
    expect(maps.length).to.be.greaterThan(100);
    const missing = maps.flatMap((map) => {
      const { sources } = JSON.parse(readFileSync(join(pkg, 'dist', map), 'utf8')) as { sources: string[] };
      return sources.map((source) => resolve(dirname(join(pkg, 'dist', map)), source)).filter((source) => !existsSync(source));
    });
    expect(missing).to.deep.equal([]);
  });

  it('type-checks an application with --strict under nodenext (ESM and .cts), node16 and bundler resolution', async () => {
    for (const config of ['tsconfig.nodenext.json', 'tsconfig.node16.json', 'tsconfig.bundler.json']) {
      await run(process.execPath, [TSC, '-p', config], app);
    }
  });

  it('runs as ESM and as CommonJS against the real server installed with it', async () => {
    // Built by the nodenext type-check above: out/scripted-turns.mjs and out/scripted-turns.cjs.
    for (const program of ['out/scripted-turns.mjs', 'out/scripted-turns.cjs']) {
      const { stdout } = await run(process.execPath, [program], app);
      expect(JSON.parse(stdout), program).to.deep.equal({ finalResponse: 'Hello', texts: ['one', 'two'], modelList: 'object' });
    }
  });

  it('installs without the server binary (--omit=optional) and connects to a server over WebSocket', async () => {
    expect(existsSync(join(remote, 'node_modules/@openai/codex'))).to.equal(false);
    const harness = await AppServerHarness.create();
    let server: ListeningAppServer | undefined;
    try {
      server = await startListeningAppServer(harness, { codexBin: resolveCodexBinary() });
      harness.mock.enqueue(response(deltas(['remote ', 'answer'])));
      const { stdout } = await run(process.execPath, ['remote-client.mjs'], remote, {
        APP_SERVER_URL: server.url,
        APP_SERVER_TOKEN: server.token,
      });
      expect(JSON.parse(stdout)).to.deep.equal({ launched: 'CodexBinaryNotFoundError', finalResponse: 'remote answer' });
    } finally {
      await server?.stop();
      await harness.dispose();
    }
  });
});
