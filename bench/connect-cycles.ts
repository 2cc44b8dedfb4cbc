/**
 * What connecting and a first turn cost the client, apart from the code it runs for the first
 * time in a process: a worker connects, starts a thread, runs one turn and closes, three times in
 * one process (fresh CODEX_HOME, real app-server, scripted model), and reports its CPU time and
 * the wall clock up to connected and up to the turn's result, per cycle. The first cycle pays for
 * compiling and warming up the client's code; the later ones are what a connect costs a program
 * that has run one before. codex-rx and the bare client (and other checkouts' codex-rx, given as
 * DIR) take turns; medians of the rounds.
 *
 *   node --import tsx bench/connect-cycles.ts [rounds=9] [DIR,…]
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { AppServerHarness } from '../src/testing/app-server-harness.js';
import { MockResponsesServer } from '../src/testing/mock-responses-server.js';
import { resolveCodexBinary } from '../src/transport/codex-binary.js';
import type { Cycle } from './e2e/cycle-env.js';
import { buildWorkerFrom, type WorkerCommand } from './lib/build-workers.js';
import { markdownTable, millis, progress } from './lib/format.js';
import { ANSWER_TEXT, benchResponse } from './lib/script.js';
import { median, rotate } from './lib/stats.js';

const rounds = Number(process.argv[2] ?? 9);
const dirs = (process.argv[3] ?? '').split(',').filter((dir) => dir !== '').map((dir) => resolve(dir));
const here = join(import.meta.dirname, 'e2e');
const load = loadavg()[0]!;
const commands = new Map<string, WorkerCommand>();
const build = async (label: string, source: string, name: string) => {
  const command = await buildWorkerFrom(source, name);
  if (command === undefined) throw new Error('connect-cycles needs esbuild');
  commands.set(label, command);
};
await build('bare', join(here, 'cycle-worker-bare.ts'), 'cycle-worker-bare');
await build('codex-rx', join(here, 'cycle-worker-codex-rx.ts'), 'cycle-worker-codex-rx');
for (const [i, dir] of dirs.entries()) await build(dir, join(dir, 'bench/e2e/cycle-worker-codex-rx.ts'), `cycle-worker-codex-rx-other-${i}`);

const mock = await MockResponsesServer.start({ whenEmpty: benchResponse });
const samples = new Map<string, Cycle[][]>();
try {
  for (let round = 0; round <= rounds; round += 1) {
    for (const label of rotate([...commands.keys()], round)) {
      progress(`connect-cycles: round ${round}/${rounds}, ${label}`);
      const harness = await AppServerHarness.create({ mock, config: { features: { shell_snapshot: false } } });
      try {
        const command = commands.get(label)!;
        const child = spawn(command.file, [...command.args], {
          cwd: harness.workspace,
          env: { ...process.env, ...harness.env, BENCH_TURNS: '1', BENCH_CODEX_BIN: resolveCodexBinary(), BENCH_CWD: harness.workspace, BENCH_EXPECTED_TEXT: ANSWER_TEXT, BENCH_PROMPT: 'Write one sentence about a fox.' },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let stdout = '';
        child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
        const code = await new Promise<number | null>((done) => child.once('close', done));
        if (code !== 0) throw new Error(`${label} failed with ${code}`);
        if (round > 0) samples.set(label, [...(samples.get(label) ?? []), JSON.parse(stdout.trim()) as Cycle[]]);
      } finally {
        await harness.dispose();
      }
    }
  }
} finally {
  await mock.close();
}
const of = (label: string, cycle: number, pick: (c: Cycle) => number) => median(samples.get(label)!.map((cycles) => pick(cycles[cycle]!)));
const rows = [...commands.keys()].flatMap((label) =>
  [0, 1, 2].map((cycle) => [
    `${label}, cycle ${cycle + 1}`,
    millis(of(label, cycle, (c) => c.connectCpuMs)),
    millis(of(label, cycle, (c) => c.connectWallMs)),
    millis(of(label, cycle, (c) => c.cpuMs)),
    millis(of(label, cycle, (c) => c.wallMs)),
  ]),
);
console.log(markdownTable(['client, cycle in the process', 'CPU to connected', 'wall to connected', 'CPU to the turn’s result', 'wall to the turn’s result'], rows));
console.log(`\n_Medians of ${rounds} rounds after a warm-up; load average (1 min) at start ${load.toFixed(2)}, at the end ${loadavg()[0]!.toFixed(2)}._`);
