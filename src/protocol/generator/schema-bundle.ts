import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonSchemaObject } from './json-schema.js';

/**
 * The schema bundle of one codex runtime, and the version string it reports.
 *
 * @example
 * const { bundle, runtimeVersion }: SchemaBundle = readSchemaBundle('/usr/local/bin/codex');
 */
export interface SchemaBundle {
  readonly bundle: JsonSchemaObject;
  readonly runtimeVersion: string;
}

/**
 * Runs `<codex> app-server generate-json-schema --experimental` into a temp folder and reads the
 * combined bundle (root definitions plus the v2 namespace: the root holds `ServerRequest`,
 * `InitializeResponse` and the JSON-RPC envelopes that the v2-only bundle leaves out).
 *
 * @example
 * const { runtimeVersion } = readSchemaBundle(resolveCodexBinary()); // 'codex-cli 0.171.0'
 */
export function readSchemaBundle(codexBin: string): SchemaBundle {
  const out = mkdtempSync(join(tmpdir(), 'codex-rx-schema-'));
  try {
    execFileSync(codexBin, ['app-server', 'generate-json-schema', '--experimental', '--out', out], { stdio: 'pipe' });
    const bundle = JSON.parse(readFileSync(join(out, 'codex_app_server_protocol.schemas.json'), 'utf8')) as JsonSchemaObject;
    const runtimeVersion = execFileSync(codexBin, ['--version'], { encoding: 'utf8' }).trim();
    return { bundle, runtimeVersion };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
