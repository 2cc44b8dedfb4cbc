import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { CodexBinaryNotFoundError, type CodexBinaryAttempt } from '../errors/codex-binary-not-found-error.js';

/**
 * Where {@link resolveCodexBinary} looks.
 *
 * @example
 * const fromPath = resolveCodexBinary({ codexBin: 'codex' }); // a bare name is looked up on PATH
 * const pinned = resolveCodexBinary({ env: {} }); // no CODEX_BIN: the pinned @openai/codex binary
 */
export interface CodexBinaryOptions {
  /**
   * An explicit executable: a path, or a bare command name looked up on `PATH`. When given, it is
   * the only candidate.
   */
  readonly codexBin?: string;
  /** The environment read for `CODEX_BIN` and `PATH`. Defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

// The same table the @openai/codex launcher (bin/codex.js) uses: the binary lives in an optional
// dependency named after the platform, under vendor/<target triple>/bin.
const TARGET_TRIPLES: Readonly<Record<string, string>> = {
  'linux-x64': 'x86_64-unknown-linux-musl',
  'linux-arm64': 'aarch64-unknown-linux-musl',
  'android-x64': 'x86_64-unknown-linux-musl',
  'android-arm64': 'aarch64-unknown-linux-musl',
  'darwin-x64': 'x86_64-apple-darwin',
  'darwin-arm64': 'aarch64-apple-darwin',
  'win32-x64': 'x86_64-pc-windows-msvc',
  'win32-arm64': 'aarch64-pc-windows-msvc',
};

const EXECUTABLE_NAME = process.platform === 'win32' ? 'codex.exe' : 'codex';

/**
 * Finds the `codex` executable to launch: the `codexBin` option, else the `CODEX_BIN`
 * environment variable, else the platform binary of the pinned `@openai/codex` package.
 *
 * The first source that is set is the only one used: someone who names a binary wants that
 * binary, and silently running a different version would be worse than failing. Throws a
 * {@link CodexBinaryNotFoundError} listing every candidate tried.
 *
 * @example
 * ```ts
 * const bin = resolveCodexBinary();                         // pinned package binary
 * const custom = resolveCodexBinary({ codexBin: 'codex' }); // looked up on PATH
 * ```
 */
export function resolveCodexBinary(options: CodexBinaryOptions = {}): string {
  const env = options.env ?? process.env;
  const attempts: CodexBinaryAttempt[] = [];

  if (options.codexBin !== undefined && options.codexBin !== '') {
    const found = checkExplicit(options.codexBin, 'codexBin option', env, attempts);
    if (found !== undefined) return found;
    throw new CodexBinaryNotFoundError(attempts);
  }

  const fromEnv = env['CODEX_BIN'];
  if (fromEnv !== undefined && fromEnv !== '') {
    const found = checkExplicit(fromEnv, 'CODEX_BIN', env, attempts);
    if (found !== undefined) return found;
    throw new CodexBinaryNotFoundError(attempts);
  }

  const found = findPackagedBinary(attempts);
  if (found !== undefined) return found;
  throw new CodexBinaryNotFoundError(attempts);
}

function checkExplicit(
  value: string,
  source: string,
  env: NodeJS.ProcessEnv,
  attempts: CodexBinaryAttempt[],
): string | undefined {
  const isBareName = !value.includes('/') && !(process.platform === 'win32' && value.includes('\\'));
  if (!isBareName) return checkCandidate(source, resolvePath(value), attempts);

  const pathDirs = (env['PATH'] ?? '').split(delimiter).filter((dir) => dir !== '');
  if (pathDirs.length === 0) {
    attempts.push({ source: `${source} on PATH`, reason: `"${value}" is a bare name and PATH is empty` });
    return undefined;
  }
  const names = process.platform === 'win32' && !value.toLowerCase().endsWith('.exe') ? [value, `${value}.exe`] : [value];
  for (const dir of pathDirs) {
    if (!isAbsolute(dir)) continue;
    for (const name of names) {
      const candidate = join(dir, name);
      // Only existing files are worth reporting: listing every PATH entry would bury the reason.
      if (!exists(candidate)) continue;
      const found = checkCandidate(`${source} on PATH`, candidate, attempts);
      if (found !== undefined) return found;
    }
  }
  attempts.push({ source: `${source} on PATH`, reason: `"${value}" not found in any PATH directory` });
  return undefined;
}

function findPackagedBinary(attempts: CodexBinaryAttempt[]): string | undefined {
  const platformKey = `${process.platform}-${process.arch}`;
  const triple = TARGET_TRIPLES[platformKey];
  if (triple === undefined) {
    attempts.push({ source: '@openai/codex', reason: `no prebuilt binary for platform ${platformKey}` });
    return undefined;
  }
  const [platform, arch] = platformKey.split('-') as [string, string];
  const packageName = `@openai/codex-${platform === 'android' ? 'linux' : platform}-${arch}`;
  const require = createRequire(import.meta.url);

  // npm may hoist the platform package next to us, or nest it under @openai/codex; try both, the
  // way the launcher does, and finally the vendor folder inside @openai/codex itself.
  const fromHere = resolvePackageDir(require, packageName);
  if (fromHere.dir !== undefined) {
    const found = checkCandidate(packageName, join(fromHere.dir, 'vendor', triple, 'bin', EXECUTABLE_NAME), attempts);
    if (found !== undefined) return found;
  } else {
    attempts.push({ source: packageName, reason: fromHere.reason });
  }

  const launcher = resolvePackageDir(require, '@openai/codex');
  if (launcher.dir === undefined) {
    attempts.push({ source: '@openai/codex', reason: launcher.reason });
    return undefined;
  }
  const nested = resolvePackageDir(createRequire(join(launcher.dir, 'package.json')), packageName);
  if (nested.dir !== undefined && nested.dir !== fromHere.dir) {
    const found = checkCandidate(
      `${packageName} (via @openai/codex)`,
      join(nested.dir, 'vendor', triple, 'bin', EXECUTABLE_NAME),
      attempts,
    );
    if (found !== undefined) return found;
  }
  return checkCandidate('@openai/codex vendor folder', join(launcher.dir, 'vendor', triple, 'bin', EXECUTABLE_NAME), attempts);
}

function resolvePackageDir(
  require: NodeJS.Require,
  packageName: string,
): { dir: string; reason?: undefined } | { dir?: undefined; reason: string } {
  try {
    return { dir: dirname(require.resolve(`${packageName}/package.json`)) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { reason: code === 'MODULE_NOT_FOUND' ? 'package not installed' : `cannot resolve package: ${String(error)}` };
  }
}

function checkCandidate(source: string, path: string, attempts: CodexBinaryAttempt[]): string | undefined {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    attempts.push({ source, path, reason: 'does not exist' });
    return undefined;
  }
  if (!isFile) {
    attempts.push({ source, path, reason: 'not a regular file' });
    return undefined;
  }
  if (process.platform !== 'win32') {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      attempts.push({ source, path, reason: 'not executable (chmod +x?)' });
      return undefined;
    }
  }
  return path;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
