import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { REPO_ROOT } from '../cli/cli-process.js';

const run = promisify(execFile);

/** Runs an ES module snippet in a fresh Node with `@opentelemetry/api` made unresolvable, as if not installed. */
async function withoutApi(source: string): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', '--import', './spec/fleet/support/register-hide-packages.mjs', '--input-type=module', '-e', source],
    { cwd: REPO_ROOT, env: { ...process.env, HIDDEN_PACKAGES: '@opentelemetry/api' }, timeout: 20_000 },
  );
  return stdout.trim();
}

describe('telemetry is loaded only when configured', function () {
  this.timeout(30_000);

  it('@opentelemetry/api is an optional peer dependency', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(manifest['dependencies']).to.not.have.property('@opentelemetry/api');
    expect(manifest['peerDependencies']).to.have.property('@opentelemetry/api');
    expect(manifest['peerDependenciesMeta']?.['@opentelemetry/api']).to.deep.equal({ optional: true });
  });

  it("import 'codex-rx' (and its fleet entry) works without @opentelemetry/api; configuring telemetry then fails with a typed error", async () => {
    const out = await withoutApi(`
      const core = await import('./src/index.ts');
      await import('./src/fleet/index.ts');
      const { loadTelemetry } = await import('./src/telemetry/load-telemetry.ts');
      const none = await loadTelemetry(undefined);
      const off = await loadTelemetry(false);
      const error = await loadTelemetry(true).then(() => undefined, (caught) => caught);
      console.log(JSON.stringify({ codex: typeof core.Codex, none: none === undefined, off: off === undefined, error: error?.name, typed: error instanceof core.TelemetryUnavailableError }));
    `);
    expect(JSON.parse(out.split('\n').at(-1)!)).to.deep.equal({ codex: 'function', none: true, off: true, error: 'TelemetryUnavailableError', typed: true });
  });
});
