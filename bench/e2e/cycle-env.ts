import type { WorkerSettings } from './worker-env.js';
export { workerSettings } from './worker-env.js';

/** One cycle's figures: CPU of this process and the wall clock (ms) up to the client's first mark (connected) and the second (the turn's result). */
export interface Cycle {
  readonly connectCpuMs: number;
  readonly connectWallMs: number;
  readonly cpuMs: number;
  readonly wallMs: number;
}

/** Runs `cycle` three times in this process; it calls `mark` once connected and once it has the turn's result, and returns the turn's text. */
export async function runCycles(cycle: (mark: () => void) => Promise<string | null | undefined>, settings: WorkerSettings): Promise<Cycle[]> {
  const cycles: Cycle[] = [];
  for (let i = 0; i < 3; i += 1) {
    const cpuAt = process.cpuUsage();
    const startedAt = performance.now();
    const marks: { cpu: number; wall: number }[] = [];
    const mark = () => {
      const used = process.cpuUsage(cpuAt);
      marks.push({ cpu: (used.user + used.system) / 1000, wall: performance.now() - startedAt });
    };
    const text = await cycle(mark);
    if (text !== settings.expectedText) throw new Error(`cycle ${i + 1} ended with ${JSON.stringify(text)}`);
    cycles.push({ connectCpuMs: marks[0]!.cpu, connectWallMs: marks[0]!.wall, cpuMs: marks[1]!.cpu, wallMs: marks[1]!.wall });
  }
  return cycles;
}

export function reportCycles(cycles: readonly Cycle[]): void {
  process.stdout.write(`${JSON.stringify(cycles)}\n`);
}
