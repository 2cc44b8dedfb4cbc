import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { REPO_ROOT } from '../cli/cli-process.js';

const run = promisify(execFile);

const STATIC_IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;
const ANY_IMPORT = new RegExp(`${STATIC_IMPORT.source}|import\\(\\s*['"]([^'"]+)['"]\\s*\\)`, 'g');

/**
 * The bare package names a built module reaches through its imports, following relative ones:
 * static imports only (what importing it loads), or dynamic ones too (what using it may load).
 */
const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;

// The package's own `#name` imports (package.json `imports`): the package a bundler gets under `default`.
function subpathImport(specifier: string): string {
  const { imports } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { imports: Record<string, { default: string }> };
  const target = imports[specifier]?.default;
  if (target === undefined || target.startsWith('.')) throw new Error(`${specifier}: no package under default in package.json imports`);
  return target;
}

function packagesReachedFrom(entry: string, imports: 'static' | 'all'): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(imports === 'static' ? STATIC_IMPORT : ANY_IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3]!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else packages.add(packageOf(specifier.startsWith('#') ? subpathImport(specifier) : specifier));
    }
  };
  visit(join(REPO_ROOT, entry));
  return packages;
}

// Through the built dist/ and package.json, as a user's install sees it (npm test builds first).
describe('codex-rx/fleet entry: only fleet users pay for it', () => {
  it('codex-rx/fleet exposes the producer, the worker and their errors', async () => {
    const fleet = (await import('codex-rx/fleet')) as Record<string, unknown>;
    for (const name of ['FleetProducer', 'FleetWorker', 'FleetJobHandle', 'FleetJobFailedError', 'ThreadOwnerGoneError', 'FleetDependencyMissingError', 'fleetTurnEvents', 'isFinalFleetEvent']) {
      expect(fleet[name], name).to.be.a('function');
    }
  });

  it('bullmq and ioredis are optional peers, and the core entry reaches neither', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    for (const name of ['bullmq', 'ioredis']) {
      expect(manifest['dependencies'], name).to.not.have.property(name);
      expect(manifest['peerDependencies'], name).to.have.property(name);
      expect(manifest['peerDependenciesMeta']?.[name], name).to.deep.equal({ optional: true });
    }
    const core = packagesReachedFrom('dist/index.js', 'all');
    const fleetImport = packagesReachedFrom('dist/fleet/index.js', 'static');
    const fleetUse = packagesReachedFrom('dist/fleet/index.js', 'all');
    for (const name of ['bullmq', 'ioredis']) {
      expect(core.has(name), `core entry reaches ${name}`).to.equal(false);
      expect(fleetImport.has(name), `importing the fleet entry loads ${name}`).to.equal(false); // loaded on first use
      expect(fleetUse.has(name), `the fleet entry uses ${name}`).to.equal(true); // the walk does find them
    }
    expect(core.has('rxjs')).to.equal(true);
  });

  for (const missing of ['bullmq', 'ioredis']) {
    it(`without ${missing} installed, the fleet fails with FleetDependencyMissingError naming it; the core entry still works`, async () => {
      const script = `
        const fleet = await import('codex-rx/fleet');
        const core = await import('codex-rx');
        try {
          await fleet.FleetProducer.connect({ redis: 'redis://127.0.0.1:1' });
          console.log('no error');
        } catch (error) {
          console.log(JSON.stringify({ name: error.name, packageName: error.packageName, message: error.message, core: typeof core.Codex }));
        }`;
      const { stdout } = await run(process.execPath, ['--import', './spec/fleet/support/register-hide-packages.mjs', '--input-type=module', '-e', script], {
        cwd: REPO_ROOT,
        env: { ...process.env, HIDDEN_PACKAGES: missing },
      });
      const outcome = JSON.parse(stdout.trim()) as Record<string, string>;
      expect(outcome['name']).to.equal('FleetDependencyMissingError');
      expect(outcome['packageName']).to.equal(missing);
      expect(outcome['message']).to.include(`"${missing}"`);
      expect(outcome['core']).to.equal('function');
    });
  }
});
