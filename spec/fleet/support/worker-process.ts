import { readdirSync, readFileSync } from 'node:fs';
import { startCli, type CliOutcome, type CliProcess } from '../../cli/cli-process.js';

/** Options of a `codex-rx worker --scripted` process in the fleet specs. */
export interface WorkerProcessOptions {
  readonly redis: string;
  readonly queue: string;
  readonly id: string;
  readonly concurrency?: number;
  readonly graceMs?: number;
  /** The scripted model's pause between two words (default 10 ms; 0 for benchmarks). */
  readonly scriptedWordMs?: number;
  /** The worker's TMPDIR, where its scripted server's CODEX_HOME goes: a killed worker cannot remove it itself. */
  readonly tmpDir?: string;
  /** `--tools MODULE`: tools the worker's threads may get. */
  readonly tools?: string;
  /** A CODEX_HOME to run on instead of a temporary one (several workers may share it). */
  readonly codexHome?: string;
  /** Lock, stalled-check and heartbeat periods (default 10 s, 2 s and the worker's own default). */
  readonly lockMs?: number;
  readonly stalledIntervalMs?: number;
  readonly heartbeatMs?: number;
  /** `--telemetry`: spans and metrics to the process's global providers. */
  readonly telemetry?: boolean;
  /** More environment for the process (e.g. NODE_OPTIONS that register an OpenTelemetry SDK). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * `codex-rx worker --scripted` as a real process with its own real app-server. Locks are short
 * (10 s, against BullMQ's 30) so that the jobs of a killed worker come back sooner, yet long
 * enough that a worker starved of CPU on a busy machine keeps its jobs.
 */
export class WorkerProcess {
  private constructor(
    readonly id: string,
    private readonly cli: CliProcess,
  ) {}

  static async start(options: WorkerProcessOptions): Promise<WorkerProcess> {
    const cli = startCli([
      'worker',
      '--scripted',
      '--redis', options.redis,
      '--queue', options.queue,
      '--id', options.id,
      '--concurrency', String(options.concurrency ?? 4),
      '--grace-ms', String(options.graceMs ?? 10_000),
      '--lock-ms', String(options.lockMs ?? 10_000),
      '--stalled-interval-ms', String(options.stalledIntervalMs ?? 2_000),
      ...(options.heartbeatMs === undefined ? [] : ['--heartbeat-ms', String(options.heartbeatMs)]),
      ...(options.codexHome === undefined ? [] : ['--scripted-home', options.codexHome]),
      ...(options.scriptedWordMs === undefined ? [] : ['--scripted-word-ms', String(options.scriptedWordMs)]),
      ...(options.tools === undefined ? [] : ['--tools', options.tools]),
      ...(options.telemetry === true ? ['--telemetry'] : []),
    ], { ...(options.tmpDir === undefined ? {} : { TMPDIR: options.tmpDir }), ...options.env });
    const worker = new WorkerProcess(options.id, cli);
    try {
      await cli.waitForStdout(/ready/, 60_000);
    } catch (error) {
      worker.kill();
      throw error;
    }
    return worker;
  }

  get pid(): number {
    return this.cli.child.pid!;
  }

  get done(): Promise<CliOutcome> {
    return this.cli.done;
  }

  stdout(): string {
    return this.cli.stdout();
  }

  /** The pids of every process below this one (its app-server and what that runs). */
  descendants(): number[] {
    const children = new Map<number, number[]>();
    for (const name of readdirSync('/proc')) {
      const pid = Number(name);
      if (!Number.isInteger(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        children.set(ppid, [...(children.get(ppid) ?? []), pid]);
      } catch {
        // gone meanwhile
      }
    }
    const found: number[] = [];
    const visit = (pid: number) => {
      for (const child of children.get(pid) ?? []) {
        found.push(child);
        visit(child);
      }
    };
    visit(this.pid);
    return found;
  }

  terminate(): Promise<CliOutcome> {
    this.cli.child.kill('SIGTERM');
    return this.cli.done;
  }

  /** SIGKILL of its app-server only (every process below the worker); the worker lives on. Returns the pids killed. */
  killAppServer(): number[] {
    const pids = this.descendants();
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    return pids;
  }

  /** SIGKILL, as a crash: the worker has no chance to hand anything back. Returns the app-server pids it leaves. */
  kill(): number[] {
    const orphans = this.descendants();
    if (this.cli.child.exitCode === null && this.cli.child.signalCode === null) this.cli.child.kill('SIGKILL');
    return orphans;
  }
}
