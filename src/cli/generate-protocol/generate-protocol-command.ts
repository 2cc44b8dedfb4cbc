import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ProtocolGenerator } from '../../protocol/generator/protocol-generator.js';
import { readSchemaBundle } from '../../protocol/generator/schema-bundle.js';
import { resolveCodexBinary } from '../../transport/codex-binary.js';
import { errorLine } from '../shared/error-line.js';
import { ExitCode } from '../shared/exit-code.js';
import { pickDefined } from '../../internal/pick-defined.js';

/**
 * Options of {@link generateProtocolCommand}.
 *
 * @example
 * const options: GenerateProtocolOptions = { out: 'src/codex-protocol', codexBin: 'codex' };
 */
export interface GenerateProtocolOptions {
  /** The folder to write `codecs.ts`, `methods.ts` and `generated-from.ts` into (created if missing). */
  readonly out: string;
  /** The runtime to generate from (else `CODEX_BIN`, else the pinned binary). */
  readonly codexBin?: string;
  /** Where each line of the report goes. Defaults to stdout. */
  readonly write?: (line: string) => void;
}

/**
 * `codex-rx generate-protocol`: writes io-ts codecs and method maps for the user's own `codex`
 * runtime, with a report of what could only be typed loosely. The files need only `io-ts`.
 *
 * @example
 * process.exitCode = await generateProtocolCommand({ out: 'src/codex-protocol', codexBin: 'codex' });
 */
export async function generateProtocolCommand(options: GenerateProtocolOptions): Promise<number> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  try {
    const binary = resolveCodexBinary(pickDefined(options, ['codexBin']));
    const { bundle, runtimeVersion } = readSchemaBundle(binary);
    const generator = new ProtocolGenerator(bundle, runtimeVersion);
    const files = generator.generate();
    const outDir = resolve(options.out);
    mkdirSync(outDir, { recursive: true });
    for (const [name, contents] of files) writeFileSync(join(outDir, name), contents);
    write(`${runtimeVersion} (${binary}): ${JSON.stringify(generator.counts())} → ${outDir}`);
    const report = generator.report();
    write(report.length === 0 ? 'every method fully typed' : `typed loosely (${report.length}):`);
    for (const line of report) write(`  ${line}`);
    return ExitCode.ok;
  } catch (error) {
    write(`generate-protocol failed: ${errorLine(error)}`);
    return ExitCode.failure;
  }
}
