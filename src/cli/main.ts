#!/usr/bin/env node
// The `codex-rx` command line: `run` one turn, or watch the `demo`. See `codex-rx --help`.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { APPROVAL_CHOICES, SANDBOX_CHOICES } from './shared/option-choices.js';
import { errorLine } from './shared/error-line.js';
import { ExitCode } from './shared/exit-code.js';
import { readPrompt } from './run/read-prompt.js';
import { SCRIPT_ENV } from './shared/scripted-reply.js';
import { UsageError } from './shared/usage-error.js';
import { pickDefined } from '../internal/pick-defined.js';

// Each command's module is imported when the command runs, so that `codex-rx run` does not load
// the demo's terminal UI, the relay's WebSocket server or the fleet before sending anything.

// ../../package.json from both src/cli (tsx) and dist/cli (built).
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const EXIT_CODES = `Exit codes:
  0    completed
  1    a turn failed, or the server did (the error on stderr, one line)
  2    usage error (nothing was started)
  130  interrupted with Ctrl-C (the turn is interrupted on the server first)
  141  stdout was closed by its reader (| head); the turn is interrupted too
  143  stopped with SIGTERM, as with Ctrl-C`;

const program = new Command('codex-rx')
  .description('An RxJS client for the Codex app-server: run a turn and stream it, or watch three at once.')
  .version(version)
  // Commander exits by itself; the override lets usage errors exit with 2, after cleanup.
  .exitOverride()
  .showHelpAfterError('(add --help for usage)')
  .addHelpText(
    'after',
    `
Examples:
  $ codex-rx demo                        three threads, concurrent turns, scripted model (offline)
  $ codex-rx demo --interactive          the same, and you answer the approval
  $ codex-rx demo --live                 the same against the real model, with your Codex login
  $ codex-rx run "Say hello"             one turn, the answer streamed to stdout
  $ codex-rx run --json "Say hello" | jq -c .method
  $ codex-rx run --scripted "Say hello"  one turn against the scripted model (offline)
  $ codex-rx web                         the web UI in your browser, through the relay
  $ codex-rx relay                       a relay for your own browser app (codex-rx/browser)

The options of each command: codex-rx run --help, codex-rx demo --help.

${EXIT_CODES}`,
  );

program
  .command('run')
  .description("run one turn and stream the agent's text to stdout (or its events as JSON lines)")
  .argument('<prompt>', 'what to ask the agent; - reads it from stdin')
  .option('--json', 'write each event of the turn as one JSON line {method, params} instead of the text')
  .option('--model <name>', "the model to use (default: the server's configured model)")
  .option('--cwd <dir>', 'the working directory of the thread')
  .addOption(
    new Option('--sandbox <mode>', "what the agent's commands may touch").choices(Object.keys(SANDBOX_CHOICES)),
  )
  .addOption(
    new Option('--approval <mode>', 'who approves what the sandbox does not allow; ask-user asks you at the terminal').choices(
      Object.keys(APPROVAL_CHOICES),
    ),
  )
  .option('--thread <id>', 'continue this thread (thread/resume) instead of starting a new one')
  .option(
    '--output-schema <file>',
    'a JSON Schema (strict mode) the answer must follow: prints the validated object (one line with --json); exit 1 when it does not validate',
  )
  .option('--ws <url>', 'use a running app-server at ws://HOST:PORT (or wss://, unix://PATH; not http://) instead of launching one')
  .option('--token-file <file>', 'read the --ws bearer token from this file (trimmed; never printed)')
  .option('--scripted', 'answer with the embedded scripted model: offline, echoes the prompt (for try-outs and tests)')
  .option('--trace', "print the turn's span tree (OpenTelemetry) on stderr when it ends: where the time went (needs @opentelemetry/api)")
  .addHelpText(
    'after',
    `
Examples:
  $ codex-rx run "Explain this repository in three sentences"
  $ codex-rx run --sandbox workspace-write --approval ask-user "Fix the failing test"
  $ codex-rx run --json "List the TODOs" | jq -r 'select(.method == "item/agentMessage/delta") | .params.delta'
  $ codex-rx run --thread 0199a3c2-5b1e-7f00-9d2a-1c3e5f7a9b0d "Now in French"
  $ codex-rx run --ws ws://127.0.0.1:4500 --token-file ~/.codex-ws-token "Say hello"
  $ codex-rx run --scripted "Say hello"
  $ codex-rx run --output-schema review.schema.json --json "Review the diff" | jq .verdict
  $ git diff | codex-rx run -            the prompt read from stdin

Without --ws, the pinned app-server is launched with your CODEX_HOME: sign in with
\`codex login\`, or set OPENAI_API_KEY, which is then used to sign in: the server's API-key
login stores it in $CODEX_HOME/auth.json, as \`codex login --with-api-key\` does. To keep a
key only in the environment, configure a model provider in $CODEX_HOME/config.toml that reads
it (env_key = "OPENAI_API_KEY", requires_openai_auth = false) and make it model_provider.
Ctrl-C interrupts the turn on the server and waits for it to end; a second Ctrl-C quits at once.

Testing aid: with --scripted, --output-schema makes the prompt itself the answer; ${SCRIPT_ENV}=fail makes the scripted turn fail (exit 1) and
${SCRIPT_ENV}=hang holds it open after a few words, until Ctrl-C (exit 130).

${EXIT_CODES}`,
  )
  .action(async (prompt: string, options: Record<string, string | boolean | undefined>) => {
    process.exitCode = await (await import('./run/run-command.js')).runCommand(await readPrompt(prompt), {
      json: options['json'] === true,
      scripted: options['scripted'] === true,
      trace: options['trace'] === true,
      ...givenOptions(options, 'string', 'model', 'cwd', 'thread', 'ws', 'tokenFile', 'outputSchema'),
      ...(typeof options['sandbox'] === 'string' ? { sandbox: SANDBOX_CHOICES[options['sandbox']]! } : {}),
      ...(typeof options['approval'] === 'string' ? { approval: APPROVAL_CHOICES[options['approval']]! } : {}),
    });
  });

program
  .command('demo')
  .description('three threads with concurrent turns, streamed side by side, then a summary table')
  .option('--interactive', 'ask you to approve the command (needs a terminal); otherwise it is approved automatically')
  .option('--live', 'use the real model with your Codex login (or OPENAI_API_KEY) instead of the scripted one')
  .option('--web', 'serve the web UI instead (threads side by side in a browser), on the scripted model')
  .addHelpText(
    'after',
    `
By default the demo runs offline: the pinned app-server talks to an embedded scripted model
and finishes in a few seconds. On a terminal it redraws a live view; elsewhere (CI, a pipe)
it prints plain lines. One thread runs a command that asks for approval. Ctrl-C interrupts
the running turns and exits with 130.

Examples:
  $ codex-rx demo
  $ codex-rx demo --interactive
  $ codex-rx demo --live
  $ codex-rx demo | cat                  plain lines, as in CI`,
  )
  .action(async (options: { interactive?: boolean; live?: boolean; web?: boolean }) => {
    process.exitCode = options.web
      ? await (await import('./relay/relay-command.js')).relayCommand({ web: true, scripted: options.live !== true })
      : await (await import('./demo/demo-command.js')).demoCommand({ interactive: options.interactive === true, live: options.live === true });
  });

program
  .command('doctor')
  .description('show the codex binary that would be launched and why, its version, and whether the protocol matches it')
  .option('--codex-bin <path>', 'check this executable instead (a path, or a name looked up on PATH)')
  .addHelpText(
    'after',
    `
Exits 0 when the runtime's version is the one the protocol was generated from, 1 otherwise.

Examples:
  $ codex-rx doctor
  $ CODEX_BIN=$(which codex) codex-rx doctor`,
  )
  .action(async (options: { codexBin?: string }) => {
    process.exitCode = await (await import('./doctor/doctor-command.js')).doctorCommand(pickDefined(options, ['codexBin']));
  });

program
  .command('generate-protocol')
  .description("write io-ts codecs and method maps for your own codex runtime's protocol")
  .requiredOption('--out <dir>', 'the folder to write codecs.ts, methods.ts and generated-from.ts into')
  .option('--codex-bin <path>', 'the runtime to generate from (default: CODEX_BIN, else the pinned binary)')
  .addHelpText(
    'after',
    `
The files need only io-ts. Decode what a newer server sends with them, and call the methods the
library's own protocol lacks with requestUntyped.

Examples:
  $ codex-rx generate-protocol --out src/codex-protocol --codex-bin codex`,
  )
  .action(async (options: { out: string; codexBin?: string }) => {
    process.exitCode = await (await import('./generate-protocol/generate-protocol-command.js')).generateProtocolCommand({ out: options.out, ...pickDefined(options, ['codexBin']) });
  });

program
  .command('worker')
  .description('run turns from a fleet queue on Redis (codex-rx/fleet) until SIGTERM, with its own app-server')
  .requiredOption('--redis <url>', 'the Redis server of the fleet, e.g. redis://127.0.0.1:6379')
  .option('--concurrency <n>', 'turns run at once (per queue: the shared one, and this worker\'s own for follow-ups)', positiveInteger)
  .option('--queue <name>', 'the fleet queue to take jobs from (default: turns)')
  .option('--id <id>', 'this worker\'s id; restart with the same id and CODEX_HOME to take back its threads (default: host-pid)')
  .option('--grace-ms <ms>', 'on SIGTERM, how long running turns may finish before they are handed back (default: 30000)', positiveInteger)
  .option('--lock-ms <ms>', 'how soon the jobs of a dead worker go back to the queue (default: 30000)', positiveInteger)
  .option('--stalled-interval-ms <ms>', 'how often to look for jobs of dead workers (default: 30000)', positiveInteger)
  .option('--heartbeat-ms <ms>', 'how often the worker reports itself alive; it counts as gone after 3 missed beats (default: 1000)', positiveInteger)
  .addOption(new Option('--approvals <decision>', 'answer command and file approvals with this decision').choices(['accept', 'decline']))
  .option('--ws <url>', 'use a running app-server at ws://HOST:PORT (or unix://PATH) instead of launching one')
  .option('--token-file <file>', 'read the --ws bearer token from this file (trimmed; never printed)')
  .option('--scripted', 'answer with the embedded scripted model: offline, echoes each prompt word by word (for try-outs and tests)')
  .option('--scripted-word-ms <ms>', 'with --scripted, the pause between two streamed words (default: 10)', nonNegativeInteger)
  .option('--tools <module>', 'load the tools this module exports (tool(), toolNamespace()); a job names those its thread gets')
  .option('--telemetry', "OpenTelemetry spans and metrics to the global providers (register an SDK first, e.g. node --import ./otel.js); needs @opentelemetry/api")
  .option('--scripted-home <dir>', 'with --scripted, use this CODEX_HOME (e.g. one shared by several workers) instead of a temporary one')
  .addHelpText(
    'after',
    `
Examples:
  $ redis-server --appendonly yes --port 6379 &
  $ codex-rx worker --redis redis://127.0.0.1:6379 --concurrency 4
  $ codex-rx worker --redis redis://10.0.0.5:6379 --id worker-a --ws ws://127.0.0.1:4500 --token-file ~/.codex-ws-token

Jobs come from FleetProducer (codex-rx/fleet). SIGTERM or Ctrl-C stops taking jobs, lets the
running turns finish for --grace-ms, then interrupts them and hands them back to the queue.
With --scripted, a prompt starting with "fail:" makes its turn fail, one starting with
"hang:" holds it open, and one starting with "tool:NAME" calls the tool NAME first (testing aids).`,
  )
  .action(async (options: Record<string, string | number | boolean | undefined>) => {
    if (options['tokenFile'] !== undefined && options['ws'] === undefined) throw new UsageError('--token-file needs --ws URL');
    const tokenFile = options['tokenFile'];
    const token = typeof tokenFile === 'string' ? readFileSync(tokenFile, 'utf8').trim() : undefined;
    process.exitCode = await (await import('./worker/worker-command.js')).workerCommand({
      redis: String(options['redis']),
      scripted: options['scripted'] === true,
      telemetry: options['telemetry'] === true,
      ...(token === undefined ? {} : { token }),
      ...(typeof options['approvals'] === 'string' ? { approvals: options['approvals'] as 'accept' | 'decline' } : {}),
      ...givenOptions(options, 'string', 'queue', 'id', 'ws', 'tools', 'scriptedHome'),
      ...givenOptions(options, 'number', 'concurrency', 'graceMs', 'lockMs', 'stalledIntervalMs', 'heartbeatMs', 'scriptedWordMs'),
    });
  });

function positiveInteger(value: string): number {
  const number = nonNegativeInteger(value);
  if (number === 0) throw new InvalidArgumentError('a positive integer is needed.');
  return number;
}

function nonNegativeInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError('a whole number is needed.');
  return number;
}

/** The options of `keys` that were given, with their parsed type (an absent one stays absent). */
function givenOptions<T extends 'string' | 'number', K extends string>(
  options: Record<string, unknown>,
  type: T,
  ...keys: K[]
): Partial<Record<K, T extends 'string' ? string : number>> {
  const given: Partial<Record<K, unknown>> = {};
  for (const key of keys) if (typeof options[key] === type) given[key] = options[key];
  return given as Partial<Record<K, T extends 'string' ? string : number>>;
}

for (const [name, web] of [['relay', false], ['web', true]] as const) {
  program
    .command(name)
    .description(
      web
        ? 'serve the web UI: threads side by side in your browser, through the relay'
        : 'let browsers reach the app-server: a WebSocket relay with origin, host, cookie and method checks',
    )
    .option('--host <address>', 'the address to listen on (default 127.0.0.1; others need TLS or --insecure-listen)')
    .option('--port <number>', 'the port to listen on (default 8765)')
    .option('--upstream <url>', 'use a running app-server (ws://, wss://, unix://) instead of launching one per browser')
    .option('--upstream-token-file <file>', 'the bearer token of a ws:// upstream (never printed)')
    .option('--allow-origin <origin...>', 'page origins allowed to open the socket (default: the relay itself)')
    .option('--allow-host <host...>', 'Host headers served (default: 127.0.0.1, localhost and [::1] on the port)')
    .option('--allow-method <method...>', 'protocol methods allowed on top of what a chat UI needs (e.g. config/value/write)')
    .option('--root <dir...>', 'directories a browser may name as cwd or path, symlinks resolved (default: the current directory)')
    .option('--allow-config-key <key...>', 'config keys a browser may set on thread start/resume/fork (default: none)')
    .option('--max-sandbox <mode>', 'the widest sandbox a browser may ask for: read-only, workspace-write (default) or danger-full-access')
    .option('--allow-approval-never', 'let a browser set the approval policy never')
    .option('--allow-instructions', 'let a browser set base/developer instructions')
    .option('--allow-dynamic-tools', 'let a browser offer client tools (dynamicTools)')
    .option('--allow-param <method.param...>', 'params refused by default to let through unchecked (e.g. turn/start.toolOutput)')
    .option('--tls-cert <file>', 'serve https/wss with this certificate (PEM)')
    .option('--tls-key <file>', 'the key of --tls-cert (PEM)')
    .option('--insecure-listen', 'allow a non-loopback --host without TLS (a trusted network only)')
    .option('--scripted', 'launch the app-server against the scripted model (offline)')
    .option('--state-dir <dir>', 'where the session key is kept, 0600, so sessions survive a restart (default ~/.local/state/codex-rx/relay)')
    .option('--rotate-session-key', 'make a new session key before listening: every browser must sign in again')
    .addHelpText(
      'after',
      `
Prints a login link with a one-time token: opening it sets an HttpOnly, SameSite=Strict session
cookie, signed with a key kept in --state-dir, so a restarted relay still knows it.
Browsers connect to ws://HOST:PORT/codex; each gets its own app-server connection.
Ctrl-C stops it.`,
    )
    .action(async (options: Record<string, string | string[] | boolean | undefined>) => {
      const port = options['port'] === undefined ? undefined : Number(options['port']);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65_536)) throw new UsageError(`--port must be a port number, got ${String(options['port'])}`);
      const list = (key: string) => (Array.isArray(options[key]) ? (options[key] as string[]) : undefined);
      process.exitCode = await (await import('./relay/relay-command.js')).relayCommand({
        web,
        ...givenOptions(options, 'string', 'host', 'upstream', 'upstreamTokenFile', 'tlsCert', 'tlsKey', 'stateDir'),
        rotateSessionKey: options['rotateSessionKey'] === true,
        ...(port === undefined ? {} : { port }),
        ...(list('allowOrigin') === undefined ? {} : { allowOrigins: list('allowOrigin')! }),
        ...(list('allowHost') === undefined ? {} : { allowHosts: list('allowHost')! }),
        ...(list('allowMethod') === undefined ? {} : { allowMethods: list('allowMethod')! }),
        ...(list('root') === undefined ? {} : { roots: list('root')! }),
        ...(list('allowConfigKey') === undefined ? {} : { allowConfigKeys: list('allowConfigKey')! }),
        ...(list('allowParam') === undefined ? {} : { allowParams: list('allowParam')! }),
        ...givenOptions(options, 'string', 'maxSandbox'),
        allowApprovalNever: options['allowApprovalNever'] === true,
        allowInstructions: options['allowInstructions'] === true,
        allowDynamicTools: options['allowDynamicTools'] === true,
        insecureListen: options['insecureListen'] === true,
        scripted: options['scripted'] === true,
      });
    });
}


// A reader that closes stdout early (`| head`) is noticed by the commands, which stop (see
// interruptSignals); writes already under way then fail with EPIPE, which must not crash the CLI.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed the message (or the help) already.
    process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  } else if (error instanceof UsageError) {
    process.stderr.write(`codex-rx: ${error.message}\n(add --help for usage)\n`);
    process.exitCode = ExitCode.usage;
  } else {
    process.stderr.write(`codex-rx: ${errorLine(error)}\n`);
    process.exitCode = ExitCode.failure;
  }
}
// Everything is closed by now. Should a stray handle remain, it must not keep the CLI (and its
// caller's pipeline) waiting: unref'd, this timer only fires if something else holds the loop.
setTimeout(() => process.exit(), 2_000).unref();
