/**
 * The incremental partial-output parser (`PartialJsonParser`, what `output$` runs per agent
 * message delta) against `JSON.parse` of the whole text once, and against re-parsing the text so
 * far at every delta (what a parser without state has to do), at 1 KB, 100 KB and 1 MB outputs
 * cut into deltas of 8 characters (the server streams a few tokens per delta). Each row also gives
 * the cost per byte, which must stay flat as the output grows: the parser is linear.
 *
 *   npm run bench -- partial
 */
import { PartialJsonParser } from '../dist/schema/partial-json-parser.js';
import { integer, markdownTable, progress, ratio } from './lib/format.js';
import { median } from './lib/stats.js';

export interface PartialOptions {
  /** Measured rounds (one more is run first as a warm-up). */
  readonly rounds?: number;
  /** Output sizes in bytes. */
  readonly sizes?: readonly number[];
  /** Characters per delta. */
  readonly deltaSize?: number;
}

const DEFAULTS = { rounds: 7, sizes: [1_000, 100_000, 1_000_000], deltaSize: 8 } as const;
/** Re-parsing at every delta is timed on a sample of the deltas, so that it parses at most this many characters, and scaled up. */
const REPARSE_BUDGET = 20_000_000;

/** A review-shaped output of about `bytes` characters: strings with escapes, numbers, nested objects. */
function reviewText(bytes: number): string {
  const findings: unknown[] = [];
  const review = { verdict: 'reject', summary: 'The change "works", but:\n- two files lack tests\n- one index is unchecked ✓', findings };
  for (let i = 0; JSON.stringify(review).length < bytes; i += 1) {
    findings.push({ file: `src/module-${i % 97}/file-${i}.ts`, line: (i * 37) % 2000, severity: i % 3 === 0 ? 'high' : 'low', note: `Finding ${i}: the value is "unchecked"\tand may be null.` });
  }
  return JSON.stringify(review);
}

function cut(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

function time(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

interface Row {
  bytes: number;
  deltas: number;
  parse: number[];
  incremental: number[];
  snapshots: number[];
  reparse: number[];
  reparseSampled: boolean;
}

/** Markdown: one row per size, medians of the rounds. */
export async function runPartialBench(options: PartialOptions = {}): Promise<string> {
  const { rounds, sizes, deltaSize } = { ...DEFAULTS, ...options };
  const rows: Row[] = sizes.map((bytes) => {
    const text = reviewText(bytes);
    return { bytes: text.length, deltas: Math.ceil(text.length / deltaSize), parse: [], incremental: [], snapshots: [], reparse: [], reparseSampled: false };
  });
  const texts = sizes.map((bytes) => reviewText(bytes));
  for (let round = 0; round <= rounds; round += 1) {
    progress(`partial: round ${round}/${rounds}${round === 0 ? ' (warm-up)' : ''}`);
    texts.forEach((text, index) => {
      const row = rows[index]!;
      const chunks = cut(text, deltaSize);
      const expected = JSON.stringify(JSON.parse(text));
      const parse = time(() => JSON.parse(text));
      let value: unknown;
      const incremental = time(() => {
        const parser = new PartialJsonParser();
        for (const chunk of chunks) parser.push(chunk);
        value = parser.finish();
      });
      if (JSON.stringify(value) !== expected) throw new Error('the incremental parser disagrees with JSON.parse');
      const snapshots = time(() => {
        const parser = new PartialJsonParser();
        for (const chunk of chunks) {
          parser.push(chunk);
          if (parser.snapshotDue) parser.snapshot();
        }
        value = parser.finish();
      });
      // Re-parse the text so far at every delta; on big outputs only at every SAMPLE-th delta, scaled up.
      const sample = Math.max(1, Math.ceil((chunks.length * text.length) / 2 / REPARSE_BUDGET));
      row.reparseSampled = sample > 1;
      const reparse = time(() => {
        for (let i = sample - 1; i < chunks.length; i += sample) {
          const parser = new PartialJsonParser();
          parser.push(text.slice(0, (i + 1) * deltaSize));
          parser.snapshot();
        }
      }) * sample;
      if (round === 0) return;
      row.parse.push(parse);
      row.incremental.push(incremental);
      row.snapshots.push(snapshots);
      row.reparse.push(reparse);
    });
    await new Promise((resolve) => setImmediate(resolve));
  }
  const ms = (value: number) => (value < 10 ? `${value.toFixed(2)} ms` : `${integer(value)} ms`);
  const perByte = (value: number, bytes: number) => `${((value * 1e6) / bytes).toFixed(1)} ns/B`;
  const table = markdownTable(
    ['output', 'deltas', 'JSON.parse (whole, once)', 'incremental', 'per byte', '× JSON.parse', '+ snapshots', 'per byte', 're-parse per delta', '× incremental', 're-parse floor', '× incremental'],
    rows.map((row) => {
      const parse = median(row.parse);
      const incremental = median(row.incremental);
      const snapshots = median(row.snapshots);
      const reparse = median(row.reparse);
      // Any parser that starts over at each delta reads every prefix: at JSON.parse's own speed, this.
      const floor = parse * ((row.deltas + 1) / 2);
      return [
        row.bytes >= 1_000_000 ? `${(row.bytes / 1_000_000).toFixed(1)} MB` : `${(row.bytes / 1000).toFixed(0)} KB`,
        integer(row.deltas),
        ms(parse),
        ms(incremental),
        perByte(incremental, row.bytes),
        ratio(incremental / parse, 1),
        ms(snapshots),
        perByte(snapshots, row.bytes),
        `${ms(reparse)}${row.reparseSampled ? ' (est.)' : ''}`,
        ratio(reparse / incremental, 0),
        ms(floor),
        ratio(floor / incremental, 1),
      ];
    }),
  );
  return `### Partial output parser\n\n${table}\n\nMedians of ${rounds} rounds; deltas of ${deltaSize} characters. "incremental": every delta pushed, then the end value; "+ snapshots": also the partial values \`output$\` emits (after each delta that changed the value, gathered while the open containers are large: \`snapshotDue\`). "re-parse per delta": a fresh parse of the text so far at every delta (est.: timed on a sample of the deltas and scaled). "re-parse floor": what re-reading every prefix costs even at native \`JSON.parse\` speed (its time × (deltas + 1) / 2), below any repair-and-parse approach.`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runPartialBench());
}
