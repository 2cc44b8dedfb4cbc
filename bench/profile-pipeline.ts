/**
 * Runs the pipeline benchmark's client pass in a loop and writes a CPU profile of the timed part
 * of the passes only (feeding the stream until every turn's result is in; not the setup of the
 * 1,000 `thread.run` calls):
 *
 *   node --import tsx bench/profile-pipeline.ts [concurrency=1000] [on|off] [passes=20]
 *
 * The profile goes to `bench/.profiles/pipeline-N-on.cpuprofile`: open it in Chrome DevTools, or
 * list the hottest functions with `npx tsx bench/profile-summary.ts <file>`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildReplayStream, loadRecordedTurn } from './lib/fixture.js';
import { clientPass } from './pipeline.js';

const concurrency = Number(process.argv[2] ?? 1_000);
const validation = process.argv[3] ?? 'on';
const passes = Number(process.argv[4] ?? 20);
const stream = buildReplayStream(loadRecordedTurn(), { turns: 1_000, concurrency, firstRequestId: 2 });

const session = new Session();
session.connect();
const post = (method: string, params?: object) =>
  new Promise<any>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
await post('Profiler.enable');
await post('Profiler.setSamplingInterval', { interval: 250 });

// Warm up without the profiler; then each timed window is recorded as its own profile, and the
// profiles are merged into one file.
for (let pass = 0; pass < 3; pass += 1) await clientPass(stream, validation === 'on');
const profiles: any[] = [];
for (let pass = 0; pass < passes; pass += 1) {
  let stopped: Promise<any> | undefined;
  const rate = await clientPass(stream, validation === 'on', {
    start: () => void post('Profiler.start'),
    stop: () => void (stopped = post('Profiler.stop')),
  });
  profiles.push((await stopped!).profile);
  process.stderr.write(`pass ${pass + 1}: ${Math.round(rate.wall).toLocaleString('en-US')} frames/s\n`);
}
const out = join(dirname(fileURLToPath(import.meta.url)), '.profiles', `pipeline-${concurrency}-${validation}.cpuprofile`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(mergeProfiles(profiles)));
process.stderr.write(`wrote ${out}\n`);
session.disconnect();

/** Concatenates the samples of several profiles into one (node ids are renumbered per profile). */
function mergeProfiles(list: any[]): any {
  const nodes: any[] = [];
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let offset = 0;
  for (const profile of list) {
    let max = 0;
    for (const node of profile.nodes) {
      max = Math.max(max, node.id);
      nodes.push({ ...node, id: node.id + offset, children: node.children?.map((child: number) => child + offset) });
    }
    samples.push(...profile.samples.map((id: number) => id + offset));
    timeDeltas.push(...profile.timeDeltas);
    offset += max;
  }
  return { nodes, samples, timeDeltas, startTime: list[0]?.startTime ?? 0, endTime: list.at(-1)?.endTime ?? 0 };
}
