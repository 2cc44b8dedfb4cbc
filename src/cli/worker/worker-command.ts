import { firstValueFrom } from 'rxjs';
import type { CodexConfig } from '../../client/codex-config.js';
import { FleetWorker } from '../../fleet/fleet-worker.js';
import type { FleetWorkerConfig } from '../../fleet/fleet-worker-config.js';
import { startScriptedCodex, type ScriptedCodex } from '../../testing/scripted-codex.js';
import { ExitCode } from '../shared/exit-code.js';
import { interruptSignals, signalExitCode } from '../shared/interrupt-signals.js';
import { UsageError } from '../shared/usage-error.js';
import { workerScriptedReply } from './worker-scripted-reply.js';
import { loadToolsModule } from './load-tools-module.js';
import { functionCall } from '../../testing/script/function-call.js';
import { response } from '../../testing/script/response.js';
import { pickDefined } from '../../internal/pick-defined.js';
import { copyFile, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { MockResponsesServer } from '../../testing/mock-responses-server.js';
import { SCRIPTED_PROVIDER_ID } from '../../testing/app-server-harness.js';

/**
 * Options of `codex-rx worker`, as parsed from the command line.
 *
 * @example
 * const options: WorkerCommandOptions = { redis: 'redis://127.0.0.1:6379', concurrency: 4 };
 */
export interface WorkerCommandOptions {
  readonly redis: string;
  /** OpenTelemetry to the global providers (`FleetWorkerConfig.telemetry: true`). */
  readonly telemetry?: boolean;
  readonly concurrency?: number;
  readonly queue?: string;
  readonly id?: string;
  readonly graceMs?: number;
  readonly lockMs?: number;
  readonly stalledIntervalMs?: number;
  readonly heartbeatMs?: number;
  /** Answer command and file-change approvals with this decision instead of the library's default. */
  readonly approvals?: 'accept' | 'decline';
  /** Run turns against the embedded scripted model (offline; see `workerScriptedReply`). */
  readonly scripted?: boolean;
  /** With `scripted`: the pause between two streamed words, in ms (default 10). */
  readonly scriptedWordMs?: number;
  /** With `scripted`: this `CODEX_HOME` (one several workers share) instead of a temporary one. */
  readonly scriptedHome?: string;
  /** A running app-server to use instead of launching one. */
  readonly ws?: string;
  readonly token?: string;
  /** A module whose exported tools the worker's threads may get (jobs name them). */
  readonly tools?: string;
}

/**
 * `codex-rx worker`: runs fleet jobs until SIGTERM or Ctrl-C, then stops gracefully (running
 * turns finish within the grace period, the rest go back to the queue). Returns the exit code.
 *
 * @example
 * process.exitCode = await workerCommand({ redis: 'redis://127.0.0.1:6379', concurrency: 4 });
 */
export async function workerCommand(options: WorkerCommandOptions): Promise<number> {
  if (options.scripted && options.ws !== undefined) throw new UsageError('--scripted launches its own server; it cannot be combined with --ws');
  const signals = interruptSignals();
  let scripted: ScriptedCodex | undefined;
  let worker: FleetWorker | undefined;
  try {
    const tools = options.tools === undefined ? undefined : await loadToolsModule(options.tools);
    scripted = options.scripted ? await startScripted(options) : undefined;
    const mock = scripted?.mock;
    const config: FleetWorkerConfig = {
      redis: options.redis,
      codex: scripted?.codex ?? codexConfig(options),
      ...(tools === undefined ? {} : { tools }),
      ...(options.telemetry === true ? { telemetry: true } : {}),
      ...defined({
        concurrency: options.concurrency,
        queue: options.queue,
        id: options.id,
        graceMs: options.graceMs,
        lockDurationMs: options.lockMs,
        stalledIntervalMs: options.stalledIntervalMs,
        heartbeatMs: options.heartbeatMs,
      }),
      ...(mock === undefined
        ? {}
        : {
            onJob: ({ input }) => {
              const prompt = typeof input === 'string' ? input : JSON.stringify(input);
              // "tool:NAME …" makes the scripted model call the worker's tool NAME first.
              const toolName = /^tool:(\S+)/.exec(prompt)?.[1];
              const call = toolName === undefined ? [] : [response(functionCall(toolName, { prompt }))];
              mock.enqueueMatching((request) => request.userTexts().at(-1) === prompt, ...call, workerScriptedReply(prompt, options.scriptedWordMs));
            },
          }),
    };
    worker = await FleetWorker.start(config);
    process.stdout.write(`worker ${worker.id} ready: ${config.concurrency ?? 'default'} slots on ${redactedUrl(options.redis)}\n`);
    const stoppedItself = worker.stopped.then((reason) => ({ reason }));
    const outcome = await Promise.race([firstValueFrom(signals), stoppedItself]);
    if (typeof outcome !== 'string') {
      // Its app-server is gone for good; a supervisor restarts the worker.
      process.stderr.write(`worker ${worker.id} stopped: ${outcome.reason ?? 'closed'}\n`);
      return ExitCode.failure;
    }
    process.stdout.write(`worker ${worker.id} stopping (${outcome}): ${worker.runningTurns} turns running\n`);
    await worker.close();
    process.stdout.write(`worker ${worker.id} stopped\n`);
    return outcome === 'SIGTERM' ? ExitCode.ok : signalExitCode(outcome);
  } finally {
    await worker?.close();
    await scripted?.dispose();
  }
}

/**
 * The scripted model's server; with `scriptedHome`, on that `CODEX_HOME`, its config pointing at
 * this worker's own scripted model (the first worker writes `config.toml`, each overrides the URL).
 */
async function startScripted(options: WorkerCommandOptions): Promise<ScriptedCodex> {
  const home = options.scriptedHome;
  const codex = { ...codexConfig(options), ...(options.telemetry === true ? { telemetry: true } : {}) };
  if (home === undefined) return startScriptedCodex({ codex });
  const mock = await MockResponsesServer.start();
  const scripted = await startScriptedCodex({
    harness: { mock },
    connect: false,
    codex: { ...codex, env: { CODEX_HOME: home }, configOverrides: { [`model_providers.${SCRIPTED_PROVIDER_ID}.base_url`]: JSON.stringify(mock.url) } },
  });
  try {
    await copyFile(scripted.harness.configPath, join(home, 'config.toml'), constants.COPYFILE_EXCL).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    await scripted.codex.ready();
  } catch (error) {
    await scripted.dispose();
    await mock.close();
    throw error;
  }
  return { ...scripted, dispose: async () => (await scripted.dispose(), await mock.close()) };
}

function codexConfig(options: WorkerCommandOptions): CodexConfig {
  const decision = options.approvals;
  return {
    // The worker outlives its app-server: a crashed one is relaunched, a dropped socket reconnected.
    reconnect: true,
    ...(options.ws === undefined ? {} : { transport: { url: options.ws, ...pickDefined(options, ['token']) } }),
    ...(decision === undefined
      ? {}
      : {
          serverRequestHandlers: {
            'item/commandExecution/requestApproval': () => ({ decision }),
            'item/fileChange/requestApproval': () => ({ decision }),
          },
        }),
  };
}

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** The URL without its password: a log line must not carry a secret. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(redis URL)';
  }
}
