// API reports: one `api/<name>.api.md` per entry point of package.json's `exports`, made by API
// Extractor from the built declarations (run `npm run build` first).
//
//   tsx scripts/api-report.ts           fails when a report differs from the committed one
//   tsx scripts/api-report.ts --update  rewrites the reports (commit the diff)
//
// The entry points are read from `exports`, so a new entry point gets a report without editing
// this file.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel, type IConfigFile } from '@microsoft/api-extractor';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const REPORT_FOLDER = join(ROOT, 'api');

interface PackageJson {
  readonly name: string;
  readonly exports: Readonly<Record<string, string | { readonly types?: string }>>;
}

/** One entry point: `codex-rx/testing` → report `codex-rx-testing.api.md` of `dist/testing/index.d.ts`. */
interface EntryPoint {
  readonly specifier: string;
  readonly reportName: string;
  readonly declarations: string;
}

function entryPoints(pkg: PackageJson): EntryPoint[] {
  // Entries without types (`./package.json`) are files, not modules with a surface.
  const modules = Object.entries(pkg.exports).filter((entry): entry is [string, { types: string }] => typeof entry[1] === 'object' && typeof entry[1].types === 'string');
  return modules.map(([subpath, conditions]) => {
    const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.replace(/^\.\//, '')}`;
    return { specifier, reportName: specifier.replace(/\//g, '-'), declarations: resolve(ROOT, conditions.types) };
  });
}

function configFor(entry: EntryPoint, tempFolder: string): IConfigFile {
  return {
    projectFolder: ROOT,
    mainEntryPointFilePath: entry.declarations,
    compiler: { tsconfigFilePath: join(ROOT, 'tsconfig.json') },
    apiReport: { enabled: true, reportFileName: entry.reportName, reportFolder: REPORT_FOLDER, reportTempFolder: tempFolder },
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    messages: {
      compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
      extractorMessageReporting: {
        default: { logLevel: ExtractorLogLevel.Warning },
        // The package does not use release tags (@public, @beta …): every export is public.
        'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
        // Documentation is checked by TypeDoc (`npm run docs`), which knows which members need it.
        'ae-undocumented': { logLevel: ExtractorLogLevel.None },
        // A type reachable from an entry point but exported by another one (e.g. `ParamsArgument`
        // from codex-rx/advanced) is listed in the report rather than failing the check.
        'ae-forgotten-export': { logLevel: ExtractorLogLevel.None, addToApiReportFile: true },
      },
      tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
    },
  };
}

/** Prints what changed, committed report first, so the failure shows the new surface. */
function printDiff(committed: string, generated: string): void {
  const diff = spawnSync('git', ['diff', '--no-index', '--no-color', '--', committed, generated], { encoding: 'utf8' });
  const lines = diff.stdout.split('\n');
  console.error(lines.slice(0, 80).join('\n') + (lines.length > 80 ? `\n… ${lines.length - 80} more lines` : ''));
}

async function main(): Promise<void> {
  const update = process.argv.includes('--update');
  const packageJsonFullPath = join(ROOT, 'package.json');
  const pkg = JSON.parse(readFileSync(packageJsonFullPath, 'utf8')) as PackageJson;
  const tempFolder = join(tmpdir(), `codex-rx-api-${process.pid}`);
  await mkdir(REPORT_FOLDER, { recursive: true });
  let compilerState: CompilerState | undefined;
  const failures: string[] = [];
  try {
    for (const entry of entryPoints(pkg)) {
      const config = ExtractorConfig.prepare({ configObject: configFor(entry, tempFolder), configObjectFullPath: undefined, packageJsonFullPath });
      // One TypeScript program serves every entry point; building it dominates the run time.
      compilerState ??= CompilerState.create(config, { additionalEntryPoints: entryPoints(pkg).map((other) => other.declarations) });
      const result = Extractor.invoke(config, { localBuild: update, compilerState, showVerboseMessages: false });
      const report = `api/${entry.reportName}.api.md`;
      if (!result.succeeded) {
        if (result.apiReportChanged) printDiff(join(ROOT, report), join(tempFolder, `${entry.reportName}.api.md`));
        failures.push(
          result.apiReportChanged
            ? `${entry.specifier}: the public surface differs from ${report} (diff above); if intended, run \`npm run api:update\` and commit it`
            : `${entry.specifier}: ${result.errorCount} errors, ${result.warningCount} warnings`,
        );
      } else if (result.apiReportChanged) {
        console.log(`${report} updated`);
      }
    }
  } finally {
    await rm(tempFolder, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    console.error(failures.join('\n'));
    process.exitCode = 1;
  }
}

await main();
