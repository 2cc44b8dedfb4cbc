import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { generatedFrom } from '../../protocol/generated/generated-from.js';
import { resolveCodexBinary } from '../../transport/codex-binary.js';
import { errorLine } from '../shared/error-line.js';
import { ExitCode } from '../shared/exit-code.js';
import { pickDefined } from '../../internal/pick-defined.js';

/**
 * Options of {@link doctorCommand}.
 *
 * @example
 * const options: DoctorOptions = { codexBin: '/usr/local/bin/codex', write: (line) => console.log(line) };
 */
export interface DoctorOptions {
  /** The executable to check instead of the one `Codex` would launch (`--codex-bin`). */
  readonly codexBin?: string;
  /** The environment read for `CODEX_BIN` and `PATH`. Defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Where each line goes. Defaults to stdout. */
  readonly write?: (line: string) => void;
}

/**
 * `codex-rx doctor`: which `codex` binary the client launches and why, its version, the version
 * the protocol was generated from, and whether they match. Exits 0 when they do, 1 otherwise.
 *
 * @example
 * process.exitCode = await doctorCommand({ env: { ...process.env, CODEX_BIN: '/usr/local/bin/codex' } });
 */
export async function doctorCommand(options: DoctorOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const source =
    options.codexBin !== undefined
      ? 'the --codex-bin option'
      : env['CODEX_BIN']
        ? 'the CODEX_BIN environment variable'
        : 'the pinned @openai/codex package (no CODEX_BIN set)';
  write(`protocol: generated from ${generatedFrom.runtime}`);
  let binary: string;
  try {
    binary = resolveCodexBinary({ ...pickDefined(options, ['codexBin']), env });
  } catch (error) {
    // The whole message: it lists every candidate tried and why each was rejected.
    write(`binary:   none usable, from ${source}:`);
    for (const line of (error instanceof Error ? error.message : String(error)).split('\n')) write(`          ${line}`);
    return ExitCode.failure;
  }
  write(`binary:   ${binary}`);
  write(`          from ${source}`);
  let reported: string;
  try {
    reported = (await promisify(execFile)(binary, ['--version'], { env, timeout: 30_000 })).stdout.trim();
  } catch (error) {
    write(`runtime:  ${binary} --version failed: ${errorLine(error)}`);
    return ExitCode.failure;
  }
  const version = /\d+\.\d+\.\d+\S*/.exec(reported)?.[0] ?? reported;
  write(`runtime:  ${reported}`);
  if (version === generatedFrom.version) {
    write(`match:    yes, ${version}`);
    return ExitCode.ok;
  }
  write(`match:    no, the runtime is ${version} and the protocol ${generatedFrom.version}`);
  write('          connections work and report the mismatch on diagnostics$ and metadata.versionMismatch;');
  write('          methods new in the runtime are reachable with requestUntyped, or regenerate the protocol (see the README).');
  return ExitCode.failure;
}
