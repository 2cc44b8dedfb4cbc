// Type-checks every JSDoc `@example` in src/ as real code against the public entries.
// Each example becomes its own module under spec/.tmp/examples/ whose prelude imports every
// public name and every export of the file the example documents (minus the names the example
// declares itself); the variables examples commonly use as given are declared ambiently. One
// TypeScript program checks them all, and errors are mapped back to the example's line in src/.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');

/** The entries whose exports every example may use, the first one winning a shared name (rxjs and Node are imported where used). */
const ENTRIES = [
  'codex-rx',
  'codex-rx/advanced',
  'codex-rx/testing',
  'codex-rx/fleet',
  'codex-rx/browser',
  'codex-rx/relay',
] as const;

/**
 * The variables examples use as given. Declared globally, so an example that declares its own
 * shadows them; anything else an example uses it declares or imports.
 */
const AMBIENT = `import type { Codex, Thread, TurnHandle, TurnResult, TurnEvent, Transport } from 'codex-rx';
import type { RpcConnection, TurnRouter } from 'codex-rx/advanced';
import type { MockResponsesServer, ScriptedCodex } from 'codex-rx/testing';
import type { FleetProducer } from 'codex-rx/fleet';
import type { Observable } from 'rxjs';
declare global {
  const codex: Codex;
  const thread: Thread;
  const threadId: string;
  const turn: TurnHandle;
  const turnId: string;
  const result: TurnResult;
  const events$: Observable<TurnEvent>;
  const connection: RpcConnection;
  const router: TurnRouter;
  const transport: Transport;
  const scripted: ScriptedCodex;
  const mock: MockResponsesServer;
  const producer: FleetProducer;
  const jobId: string;
}
export {};
`;

/** Written after `@example` (`@example fragment`), marks a deliberate fragment that is not checked. */
const FRAGMENT = 'fragment';

export interface Example {
  /** The source file, relative to the repository. */
  file: string;
  /** The 1-based line of the example's first line of code in `file`. */
  line: number;
  code: string[];
  fragment: boolean;
}

export interface ExampleCheck {
  /** Examples found, fragments included. */
  found: number;
  /** Examples type-checked: all but the fragments. */
  checked: number;
  /** One `src/file.ts:LINE @example: message` per error. */
  failures: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path.endsWith(join('protocol', 'generated')) ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every `@example` block of the file: the lines after the tag up to the next tag or the comment's end. */
export function extractExamples(file: string, text: string): Example[] {
  const examples: Example[] = [];
  let current: Example | undefined;
  let inComment = false;
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (!inComment && trimmed.startsWith('/**')) inComment = true;
    if (!inComment) return;
    const ends = trimmed.endsWith('*/');
    const body = trimmed.replace(/^\/\*\*/, '').replace(/\*\/$/, '').replace(/^\* ?/, '');
    const content = raw.replace(/^\s*(\/\*\*|\*\/|\*)? ?/, '').replace(/\s*\*\/\s*$/, '');
    const tag = /^@example\b(.*)$/.exec(body);
    if (tag !== null) {
      current = { file, line: index + 2, code: [], fragment: tag[1]!.trim() === FRAGMENT };
      examples.push(current);
    } else if (/^@\w/.test(body)) {
      current = undefined;
    } else if (current !== undefined && !(ends && body.trim() === '')) {
      // A code fence becomes a blank line, so the lines after it keep their numbers.
      current.code.push(/^```/.test(content.trim()) ? '' : content);
    }
    if (ends) {
      inComment = false;
      current = undefined;
    }
  });
  return examples.filter((example) => example.code.some((line) => line.trim() !== ''));
}

/** The names each module exports, keyed by its specifier or path, from one program. */
function exportsOf(specifiers: readonly string[], options: ts.CompilerOptions, dir: string): Map<string, string[]> {
  const probe = join(dir, 'probe.ts');
  writeFileSync(probe, specifiers.map((specifier, i) => `import * as m${i} from '${specifier}';`).join('\n') + '\nexport {};\n');
  const program = ts.createProgram([probe], options);
  const checker = program.getTypeChecker();
  const names = new Map<string, string[]>();
  program.getSourceFile(probe)!.statements.forEach((statement, i) => {
    if (!ts.isImportDeclaration(statement)) return;
    const symbol = checker.getSymbolAtLocation(statement.moduleSpecifier);
    if (symbol === undefined) throw new Error(`cannot resolve ${specifiers[i]}`);
    names.set(specifiers[i]!, checker.getExportsOfModule(symbol).map((exported) => exported.name).filter((name) => name !== 'default'));
  });
  rmSync(probe);
  return names;
}

function declaredNames(code: string): Set<string> {
  const declared = new Set<string>();
  const source = ts.createSourceFile('x.ts', code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const collect = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) declared.add(name.text);
    else name.elements.forEach((element) => { if (!ts.isOmittedExpression(element)) collect(element.name); });
  };
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) statement.declarationList.declarations.forEach((d) => collect(d.name));
    else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement)
      || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name !== undefined) {
      declared.add(statement.name.text);
    } else if (ts.isImportDeclaration(statement) && statement.importClause !== undefined) {
      const clause = statement.importClause;
      if (clause.name !== undefined) declared.add(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings !== undefined) {
        if (ts.isNamespaceImport(bindings)) declared.add(bindings.name.text);
        else bindings.elements.forEach((element) => declared.add(element.name.text));
      }
    }
  }
  return declared;
}

/** Each `codex-rx` entry of package.json `exports`, mapped to the source its types are built from. */
function sourcePaths(): Record<string, string[]> {
  const { name, exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string | { types?: string }>;
  };
  const paths: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(exports)) {
    if (typeof target === 'string' || target.types === undefined) continue;
    paths[join(name, subpath)] = [join(root, target.types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts'))];
  }
  return paths;
}

/** The module specifier that imports `file` (a .ts source) from anywhere. */
function importPath(file: string): string {
  return resolve(root, file).replace(/\.ts$/, '.js');
}

/** Checks the examples of the given files, writing their modules into `outDir`. */
export function checkExamples(files: readonly string[], outDir = join(root, 'spec', '.tmp', 'examples')): ExampleCheck {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  })!;
  const options: ts.CompilerOptions = {
    ...config.options, noEmit: true, declaration: false, declarationMap: false, sourceMap: false, rootDir: root, types: ['node'],
    // The prelude imports types and values alike; the examples, not the prelude, are what is checked.
    verbatimModuleSyntax: false, isolatedModules: false,
    // The entries resolve to their sources, so a public name and an internal import are one declaration.
    paths: sourcePaths(),
  };
  const examples = files.flatMap((file) => extractExamples(relative(root, file), readFileSync(file, 'utf8')));
  const checked = examples.filter((example) => !example.fragment);
  const documented = [...new Set(checked.map((example) => importPath(example.file)))];
  const exported = exportsOf([...ENTRIES, ...documented], options, outDir);
  const publicNames = new Map<string, string>();
  for (const entry of ENTRIES) for (const name of exported.get(entry)!) if (!publicNames.has(name)) publicNames.set(name, entry);
  writeFileSync(join(outDir, 'ambient.d.ts'), AMBIENT);
  const where = new Map<string, { example: Example; prelude: number }>();
  const generated = checked.map((example, i) => {
    // A relative import in an example is relative to the file it documents.
    const code = example.code.join('\n').replace(/(from\s+|import\s*\(\s*)'(\.\.?\/[^']*)'/g,
      (_, keyword: string, path: string) => `${keyword}'${resolve(root, dirname(example.file), path)}'`);
    const own = declaredNames(code);
    const byModule = new Map<string, string[]>();
    const add = (module: string, name: string): void => {
      if (own.has(name)) return;
      own.add(name);
      byModule.set(module, [...(byModule.get(module) ?? []), name]);
    };
    for (const [name, entry] of publicNames) add(entry, name);
    const self = importPath(example.file);
    for (const name of exported.get(self) ?? []) add(self, name);
    const prelude = [...byModule].map(([module, list]) => `import { ${list.join(', ')} } from '${module}';`);
    prelude.push('export {};');
    const path = join(outDir, `example-${String(i).padStart(4, '0')}.ts`);
    writeFileSync(path, [...prelude, code, ''].join('\n'));
    where.set(resolve(path), { example, prelude: prelude.length });
    return path;
  });
  const program = ts.createProgram([join(outDir, 'ambient.d.ts'), ...generated], options);
  const failures = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    const origin = diagnostic.file === undefined ? undefined : where.get(resolve(diagnostic.file.fileName));
    if (diagnostic.file === undefined || origin === undefined || diagnostic.start === undefined) {
      return `${diagnostic.file?.fileName ?? 'tsc'}: ${message}`;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${origin.example.file}:${origin.example.line + line - origin.prelude} @example: ${message}`;
  });
  return { found: examples.length, checked: checked.length, failures };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  const { found, checked, failures } = checkExamples(sourceFiles(join(root, 'src')));
  for (const failure of failures) console.error(failure);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${found} @example blocks found, ${checked} checked (${found - checked} marked ${FRAGMENT}) in ${seconds} s: ${failures.length} errors`);
  if (failures.length > 0) process.exitCode = 1;
}
