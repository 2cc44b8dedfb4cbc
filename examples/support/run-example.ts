// Runs an example offline (the real app-server, answered by the scripted model) or with --live
// (the pinned app-server and a real model, with the user's Codex login or OPENAI_API_KEY).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { format } from 'node:util';
import { Codex } from 'codex-rx';
import { startScriptedCodex, type MockResponsesServer, type RecordedRequest, type ResponseScript } from 'codex-rx/testing';

/** How an example talks to the person running it. */
export interface ExampleIo {
  /** A scratch directory for threads to work in (removed afterwards, never the user's project). */
  readonly workspace: string;
  /** Prints one line, as `console.log` does. */
  log(...values: unknown[]): void;
  /** Prints streamed text as it arrives, without a newline. */
  write(text: string): void;
  /** Asks for a line of input; `undefined` once the input has ended. */
  readLine(prompt: string): Promise<string | undefined>;
}

/** What the scripted model answers offline: responses in order, or a function that queues them. */
export type OfflineScript = readonly ResponseScript[] | ((mock: MockResponsesServer) => void);

/** An example module: its program, and what it needs to run offline. */
export interface Example {
  main(codex: Codex, io: ExampleIo): Promise<void>;
  readonly script?: OfflineScript;
}

/** Options of `runExample`. */
export interface RunOptions {
  /** Use a real model (`--live`) instead of the scripted one. */
  readonly live?: boolean;
  /** Where output goes; stdout by default. */
  readonly write?: (text: string) => void;
  /** The lines a user types; stdin by default. */
  readonly input?: readonly string[];
}

/** What a run leaves behind to check: the printed text and, offline, the model requests. */
export interface RunReport {
  readonly output: string;
  readonly requests: readonly RecordedRequest[];
}

/** Runs one example to its end, offline unless `live`, and reports what it printed. */
export async function runExample(example: Example, options: RunOptions = {}): Promise<RunReport> {
  let output = '';
  const write = (text: string) => {
    output += text;
    (options.write ?? ((t: string) => process.stdout.write(t)))(text);
  };
  const lines = options.input?.[Symbol.iterator]();
  // stdin is opened on the first question only, so examples that ask nothing leave it alone;
  // reading through the line iterator keeps lines that arrive before they are asked for.
  let terminal: ReturnType<typeof createInterface> | undefined;
  let typed: AsyncIterator<string> | undefined;
  const ask = async (prompt: string): Promise<string | undefined> => {
    if (lines !== undefined) {
      const next = lines.next();
      write(`${prompt}${next.done ? '' : next.value}\n`);
      return next.done ? undefined : next.value;
    }
    terminal ??= createInterface({ input: process.stdin, terminal: false });
    typed ??= terminal[Symbol.asyncIterator]();
    write(prompt);
    const next = await typed.next();
    return next.done ? undefined : next.value;
  };
  const io = (workspace: string): ExampleIo => ({
    workspace,
    log: (...values) => write(`${format(...values)}\n`),
    write,
    readLine: ask,
  });
  try {
    if (options.live) {
      const workspace = await mkdtemp(join(tmpdir(), 'codex-rx-example-'));
      try {
        // The server's cwd is the threads' default: a scratch directory, not the user's project.
        await using codex = await Codex.connect({ cwd: workspace });
        await useApiKeyFromEnv(codex);
        await example.main(codex, io(workspace));
      } finally {
        await rm(workspace, { recursive: true, force: true });
      }
      return { output, requests: [] };
    }
    await using scripted = await startScriptedCodex();
    const script = example.script ?? [];
    if (typeof script === 'function') script(scripted.mock);
    else scripted.mock.enqueue(...script);
    await example.main(scripted.codex, io(scripted.workspace));
    return { output, requests: [...scripted.mock.requests] };
  } finally {
    terminal?.close();
  }
}

/** Without a Codex login, an OPENAI_API_KEY in the environment logs in (Codex stores it, as `codex login` does). */
async function useApiKeyFromEnv(codex: Codex): Promise<void> {
  const apiKey = process.env['OPENAI_API_KEY'];
  const { account, requiresOpenaiAuth } = await codex.account();
  if (account == null && requiresOpenaiAuth && apiKey) await codex.loginApiKey(apiKey);
}

/** Runs the example when its file is the program (`npx tsx examples/NN-name.ts [--live]`). */
export async function runIfMain(meta: ImportMeta, example: Example): Promise<void> {
  const program = process.argv[1];
  if (program === undefined || resolve(program) !== meta.filename) return;
  try {
    await runExample(example, { live: process.argv.includes('--live') });
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  }
}
