/**
 * Prints the functions with the most self time in V8 `.cpuprofile` files (from `node --cpu-prof`,
 * or `BENCH_PROFILE_DIR` of the e2e workers), the same aggregated by file, and the functions with
 * the most total time (self and callees). Several files are averaged: times are per file.
 *
 *   npx tsx bench/profile-summary.ts FILE.cpuprofile… [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const args = process.argv.slice(2);
const top = args.length > 1 && /^\d+$/.test(args.at(-1)!) ? Number(args.pop()) : 40;
if (args.length === 0) throw new Error('usage: profile-summary.ts FILE.cpuprofile… [top]');
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
const add = (map: Map<string, number>, key: string, micros: number) => map.set(key, (map.get(key) ?? 0) + micros);
for (const file of args) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const nameOf = (id: number) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const shortUrl = url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/');
    return { name: `${functionName || '(anonymous)'}  ${shortUrl}:${lineNumber + 1}`, fileKey: shortUrl === '' ? `(${functionName})` : shortUrl };
  };
  for (const [id, micros] of self) {
    const { name, fileKey } = nameOf(id);
    total += micros;
    add(byFunction, name, micros);
    add(byFile, fileKey, micros);
    // Each function once per stack, however deep it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const key = nameOf(at).name;
      if (!seen.has(key)) add(inclusive, key, micros);
      seen.add(key);
    }
  }
}
const files = args.length;
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / 1000 / files).toFixed(1).padStart(7)} ms  ${name}`);
  }
};
console.log(`${files} profile(s), ${(total / 1000 / files).toFixed(1)} ms of samples per profile`);
print('self time by function', byFunction);
print('self time by file', byFile);
print('total time by function (self and callees)', inclusive);
