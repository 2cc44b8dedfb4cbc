import { statSync } from 'node:fs';
import {
  lastValueFrom,
  merge,
  ReplaySubject,
  skip,
  take,
  takeUntil,
  takeWhile,
  tap,
  type Subscription,
} from 'rxjs';
import type { ApprovalMode } from '../../client/approval-mode.js';
import type { ThreadOptions } from '../../client/codex.js';
import type { Sandbox } from '../../client/sandbox.js';
import { TurnFailedError } from '../../turns/turn-failed-error.js';
import { toTurnResult } from '../../turns/to-turn-result.js';
import type { TurnEvent } from '../../turns/turn-event.js';
import { answerApprovals, type ApprovalRequest } from '../shared/answer-approvals.js';
import { askYesNo } from '../shared/ask-yes-no.js';
import { errorLine } from '../shared/error-line.js';
import { ExitCode } from '../shared/exit-code.js';
import { pickDefined } from '../../internal/pick-defined.js';
import { interruptOnSignal } from '../shared/interrupt-on-signal.js';
import { interruptSignals, signalExitCode, type InterruptSignal } from '../shared/interrupt-signals.js';
import { jsonLinesWriter } from './json-lines-writer.js';
import { openCodex, type CliCodex, type CliServerOptions } from '../shared/open-codex.js';
import { scriptedReply } from '../shared/scripted-reply.js';
import { textWriter } from './text-writer.js';
import { UsageError } from '../shared/usage-error.js';
import { readOutputSchema } from './read-output-schema.js';
import type { ResolvedSchema } from '../../schema/resolved-schema.js';
import { formatSchemaIssues } from '../../schema/format-schema-issues.js';
import { OutputValidationError } from '../../turns/output-validation-error.js';
import type { TurnResult } from '../../turns/turn-result.js';
import { validateOutput } from '../../turns/validate-output.js';
import { SpanRecorder } from '../../telemetry/span-recorder.js';
import { formatSpanTree } from './format-span-tree.js';

/** Options of `codex-rx run`, as parsed from the command line. */
export interface RunOptions extends CliServerOptions {
  /** One JSON event per line on stdout instead of the agent's text. */
  readonly json?: boolean;
  readonly model?: string;
  /** The thread's working directory. */
  readonly cwd?: string;
  readonly sandbox?: Sandbox;
  readonly approval?: ApprovalMode;
  /** Continue this thread (`thread/resume`) instead of starting one. */
  readonly thread?: string;
  /**
   * A JSON Schema file the answer must follow: the validated object is printed instead of the
   * streamed text (one line with `json`), and an answer that does not validate exits 1.
   */
  readonly outputSchema?: string;
  /** Print the turn's span tree on stderr once it has ended (needs `@opentelemetry/api`). */
  readonly trace?: boolean;
}

/**
 * `codex-rx run PROMPT`: runs one turn and streams it to stdout, as text or as JSON lines.
 * Resolves with the exit code: `ok` when the turn completed, `failure` when it failed (the
 * error on stderr), `interrupted` after Ctrl-C. Ctrl-C interrupts the turn on the server and
 * waits for it to end; a second Ctrl-C stops waiting. Throws `UsageError` for bad arguments and
 * whatever stopped the client otherwise; the server is closed in every case.
 *
 * @example
 * process.exitCode = await runCommand('Say hello', { scripted: true });
 */
export async function runCommand(prompt: string, options: RunOptions): Promise<ExitCode> {
  if (prompt.trim() === '') throw new UsageError('the prompt is empty');
  if (options.cwd !== undefined && !isDirectory(options.cwd)) throw new UsageError(`--cwd ${options.cwd} is not a directory`);
  // Built before anything starts, so a bad CODEX_RX_SCRIPT is a usage error, not a failed turn.
  const output = options.outputSchema === undefined ? undefined : readOutputSchema(options.outputSchema);
  // With a schema, the scripted model answers with the prompt itself: a JSON prompt is the output.
  const script = options.scripted ? scriptedReply(prompt, undefined, output !== undefined) : undefined;

  // Replayed: a Ctrl-C that comes while the server starts still interrupts the turn once it runs.
  const signals$ = new ReplaySubject<InterruptSignal>();
  const subscriptions: Subscription[] = [interruptSignals().subscribe(signals$)];
  let received: InterruptSignal | undefined;
  const stopAsking = new AbortController();
  subscriptions.push(
    signals$.pipe(take(1)).subscribe((signal) => {
      received = signal;
      stopAsking.abort();
      // On a terminal, the streamed text (and the echoed ^C) may have left the line open.
      const newline = process.stderr.isTTY ? '\n' : '';
      if (signal !== 'SIGPIPE') process.stderr.write(`${newline}codex-rx: ${signal}: interrupting the turn (Ctrl-C again to quit at once)\n`);
    }),
  );

  let session: CliCodex | undefined;
  const recorder = options.trace === true ? await spanRecorder() : undefined;
  try {
    session = await openCodex(options, recorder === undefined ? {} : { telemetry: { tracerProvider: recorder } });
    if (script !== undefined) session.mock?.enqueue(script);
    const { codex } = session;
    subscriptions.push(
      answerApprovals(codex.serverRequests$, (request) => decideAtTerminal(request, stopAsking.signal)).subscribe(),
    );
    const threadOptions = threadOptionsOf(options);
    const thread = options.thread === undefined ? await codex.threadStart(threadOptions) : await codex.threadResume(options.thread, threadOptions);
    const turn = await thread.turn(prompt, output === undefined ? {} : { outputSchema: output.jsonSchema });

    const result = await lastValueFrom(
      merge(turn.events$, interruptOnSignal(turn, signals$)).pipe(
        takeWhile((event: TurnEvent) => event.method !== 'turn/completed', true),
        takeUntil(signals$.pipe(skip(1))),
        // The server retrying (an unreachable model) is not silence: say so, outside the answer.
        tap((event: TurnEvent) => {
          if (event.method === 'error' && event.params.willRetry) process.stderr.write(`codex-rx: ${event.params.error.message} (the server retries)\n`);
        }),
        tap(output !== undefined ? {} : options.json ? jsonLinesWriter(process.stdout) : textWriter(process.stdout, process.stderr)),
        toTurnResult({ rejectFailed: false }),
      ),
    );
    if (received !== undefined) return signalExitCode(received);
    if (result.status === 'completed' && output !== undefined) return await printOutput(result, output, options.json === true);
    if (result.status === 'completed') {
      // Only for a person at a terminal: scripts find the id in --json output.
      if (process.stderr.isTTY) process.stderr.write(`codex-rx: thread ${thread.id} (continue it with --thread ${thread.id})\n`);
      return ExitCode.ok;
    }
    if (result.status === 'interrupted') {
      process.stderr.write('codex-rx: the turn was interrupted\n');
      return ExitCode.interrupted;
    }
    process.stderr.write(`codex-rx: ${errorLine(new TurnFailedError(result))}\n`);
    return ExitCode.failure;
  } catch (error) {
    // Ctrl-C in a terminal reaches the whole process group, and so may stop the server too: the
    // user asked to stop, which is no failure to report.
    if (received !== undefined) return signalExitCode(received);
    throw error;
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
    await session?.close();
    if (recorder !== undefined) process.stderr.write(`\n${formatSpanTree(recorder.spans)}`);
  }
}

/** The in-memory span recorder of `--trace`; a usage error without `@opentelemetry/api`. */
async function spanRecorder(): Promise<SpanRecorder> {
  try {
    return new SpanRecorder(await import('@opentelemetry/api'));
  } catch {
    throw new UsageError('--trace needs the package @opentelemetry/api: npm install @opentelemetry/api');
  }
}

/** The validated answer on stdout (one line with `--json`); the issues on stderr and exit 1 otherwise. */
async function printOutput(result: TurnResult, output: ResolvedSchema<unknown>, json: boolean): Promise<ExitCode> {
  try {
    const typed = await validateOutput(result, output);
    process.stdout.write(`${JSON.stringify(typed.output, null, json ? undefined : 2)}\n`);
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof OutputValidationError)) throw error;
    const issues = formatSchemaIssues(error.issues).replace(/^/gm, '  ');
    process.stderr.write(`codex-rx: the answer does not follow --output-schema:\n${issues}\n`);
    if (error.text !== null) process.stderr.write(`codex-rx: the answer was: ${error.text.length > 2000 ? `${error.text.slice(0, 2000)}…` : error.text}\n`);
    return ExitCode.failure;
  }
}

function threadOptionsOf(options: RunOptions): ThreadOptions {
  const { approval: approvalMode, ...rest } = options;
  return pickDefined({ ...rest, approvalMode }, ['model', 'cwd', 'sandbox', 'approvalMode']);
}

/** With `--approval ask-user`: ask at the terminal; without one there is nobody to ask, so decline. */
async function decideAtTerminal(request: ApprovalRequest, signal: AbortSignal): Promise<boolean> {
  const what = request.kind === 'command' ? `run \`${request.subject}\`` : request.subject;
  if (!process.stdin.isTTY) {
    process.stderr.write(`codex-rx: the agent asks to ${what}; no terminal to ask, so it is declined\n`);
    return false;
  }
  process.stderr.write(`codex-rx: allow the agent to ${what}? [y/N] `);
  const yes = await askYesNo(process.stdin, signal);
  process.stderr.write(yes ? 'yes\n' : 'no\n');
  return yes;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
