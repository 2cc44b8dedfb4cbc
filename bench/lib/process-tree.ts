import { readdirSync, readFileSync } from 'node:fs';

const PAGE_SIZE = 4096;

function readStat(pid: number): { ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name is in parentheses and may contain spaces: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

function residentBytes(pid: number): number {
  try {
    const statm = readFileSync(`/proc/${pid}/statm`, 'latin1');
    return Number(statm.split(' ')[1]) * PAGE_SIZE;
  } catch {
    return 0;
  }
}

/**
 * Samples the resident memory (RSS) of a process and all its descendants through /proc, every
 * `intervalMs`, and keeps the peak of the sum. Processes are found by parent id; a pid seen once
 * is not looked up again, so a sample costs one directory listing plus one small read per
 * process of the tree. Linux only.
 */
export class ProcessTreeSampler {
  private readonly tree = new Set<number>();
  private readonly strangers = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  /** The highest total RSS seen, in bytes. */
  peakBytes = 0;
  /** The most processes seen in the tree at once. */
  peakProcesses = 0;
  samples = 0;

  constructor(private readonly rootPid: number) {
    this.tree.add(rootPid);
  }

  start(intervalMs = 20): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    return this;
  }

  /** Stops sampling. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  sample(): void {
    let entries: string[];
    try {
      entries = readdirSync('/proc');
    } catch {
      return;
    }
    const alive = new Set<number>();
    // Parents come before children in pid order almost always; two passes settle the rest.
    for (let pass = 0; pass < 2; pass += 1) {
      for (const entry of entries) {
        const pid = Number(entry);
        if (!Number.isInteger(pid) || pid <= 0) continue;
        if (this.tree.has(pid)) {
          alive.add(pid);
          continue;
        }
        if (this.strangers.has(pid)) continue;
        const stat = readStat(pid);
        if (stat === undefined) continue;
        if (this.tree.has(stat.ppid)) {
          this.tree.add(pid);
          alive.add(pid);
        } else if (pass === 1) {
          this.strangers.add(pid);
        }
      }
    }
    let total = 0;
    for (const pid of alive) total += residentBytes(pid);
    // Pids of exited processes can be reused by strangers: forget them.
    for (const pid of this.tree) if (!alive.has(pid) && pid !== this.rootPid) this.tree.delete(pid);
    this.samples += 1;
    if (total > this.peakBytes) this.peakBytes = total;
    if (alive.size > this.peakProcesses) this.peakProcesses = alive.size;
  }
}
