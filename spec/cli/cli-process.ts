import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: the CLI runs from there, as `npm run demo` does. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** How a CLI run ended and what it wrote. */
export interface CliOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running CLI process. */
export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches `pattern`; fails if the process ends first or after `timeoutMs`. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves when the process has exited and its pipes are closed. */
  readonly done: Promise<CliOutcome>;
}

/**
 * Starts `codex-rx ARGS` from the sources (`node --import tsx src/cli/main.ts`), with pipes for
 * stdio, so it sees no terminal (as in CI). Colours are forced off so that the output is
 * compared as text; `CODEX_RX_SCRIPT` is only set when the spec sets it.
 */
export function startCli(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}, stdin?: string): CliProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete childEnv['FORCE_COLOR'];
  delete childEnv['CODEX_RX_SCRIPT'];
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key];
    else childEnv[key] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: childEnv,
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (stdin !== undefined) child.stdin!.end(stdin);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const done = new Promise<CliOutcome>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const waitForStdout = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(stdout)) return;
        finish();
        resolve();
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`stdout did not match ${pattern} within ${timeoutMs} ms:\n${stdout}\nstderr:\n${stderr}`));
      }, timeoutMs);
      const ended = () => {
        finish();
        reject(new Error(`the CLI exited before stdout matched ${pattern}:\n${stdout}\nstderr:\n${stderr}`));
      };
      const finish = () => {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        child.off('close', ended);
      };
      child.stdout!.on('data', check);
      child.once('close', ended);
      check();
    });
  return { child, stdout: () => stdout, stderr: () => stderr, waitForStdout, done };
}

/**
 * Runs `codex-rx ARGS` to the end, with `stdin` as its input when given. A hang guard, not a
 * timing check: a run still going after `hangAfterMs` is killed (so no process outlives the spec)
 * and the promise rejects.
 */
export async function runCli(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
  stdin?: string,
  hangAfterMs = 50_000,
): Promise<CliOutcome> {
  const cli = startCli(args, env, stdin);
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      cli.child.kill('SIGKILL');
      reject(new Error(`codex-rx ${args.join(' ')} still running after ${hangAfterMs} ms:\n${cli.stdout()}\nstderr:\n${cli.stderr()}`));
    }, hangAfterMs);
  });
  try {
    return await Promise.race([cli.done, hung]);
  } finally {
    clearTimeout(timer);
  }
}

/** The pids of a process's children, right now (`pgrep -P`, on Linux and macOS alike). */
export async function childPids(pid: number): Promise<number[]> {
  const output = await new Promise<string>((resolve) => {
    const pgrep = spawn('pgrep', ['-P', String(pid)], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    pgrep.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    pgrep.on('close', () => resolve(text));
    pgrep.on('error', () => resolve(''));
  });
  return output
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((child) => Number.isInteger(child) && child > 0);
}
