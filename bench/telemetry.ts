/**
 * What telemetry costs the frame pipeline: the pipeline benchmark's client pass (the frames of a
 * real turn cloned into many turns, through the whole client) with no telemetry option, with
 * `telemetry: false`, and with telemetry on (the SDK's tracer and meter providers, spans ended
 * into a processor that drops them, metrics aggregated in memory), against the raw limit, in
 * the same rounds.
 *
 *   npm run bench -- telemetry
 */
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { CodexConfig } from '../dist/client/codex-config.js';
import { buildReplayStream, loadRecordedTurn } from './lib/fixture.js';
import { integer, markdownTable, progress, ratio } from './lib/format.js';
import { median, nextTick, rotate } from './lib/stats.js';
import { clientPass, type PassRate } from './pipeline.js';

export interface TelemetryBenchOptions {
  readonly rounds?: number;
  readonly turns?: number;
  readonly concurrencies?: readonly number[];
}

const DEFAULTS = { rounds: 7, turns: 1_000, concurrencies: [1, 1_000] } as const;

type Variant = 'none' | 'off' | 'on';
const VARIANTS: readonly Variant[] = ['none', 'off', 'on'];

/** Counts the spans it is given and keeps none: the cost of making them, not of shipping them. */
class CountingExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    this.spans += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

class QuietReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

function configOf(variant: Variant, exporter: CountingExporter): CodexConfig {
  if (variant === 'none') return {};
  if (variant === 'off') return { telemetry: false };
  return {
    telemetry: {
      tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
      meterProvider: new MeterProvider({ readers: [new QuietReader()] }),
    },
  };
}

export async function runTelemetryBench(options: TelemetryBenchOptions = {}): Promise<string> {
  const rounds = options.rounds ?? DEFAULTS.rounds;
  const turns = options.turns ?? DEFAULTS.turns;
  const concurrencies = options.concurrencies ?? DEFAULTS.concurrencies;
  const recorded = loadRecordedTurn();
  const streams = new Map(concurrencies.map((n) => [n, buildReplayStream(recorded, { turns, concurrency: n, firstRequestId: 2 })] as const));
  const samples = new Map<string, number[]>();
  const key = (n: number, variant: Variant, clock: keyof PassRate) => `${n}/${variant}/${clock}`;
  const exporter = new CountingExporter();
  const jobs = concurrencies.flatMap((n) => VARIANTS.map((variant) => ({ n, variant })));
  for (let round = 0; round <= rounds; round += 1) {
    progress(`telemetry: round ${round === 0 ? 'warm-up' : `${round}/${rounds}`}`);
    for (const { n, variant } of rotate(jobs, round)) {
      await nextTick();
      const before = exporter.spans;
      const rate = await clientPass(streams.get(n)!, false, undefined, undefined, configOf(variant, exporter));
      if (variant === 'on' && exporter.spans - before < turns) throw new Error(`telemetry on made ${exporter.spans - before} spans for ${turns} turns`);
      if (round === 0) continue;
      for (const [clock, value] of [['wall', rate.wall], ['cpu', rate.cpu]] as const) {
        const list = samples.get(key(n, variant, clock)) ?? [];
        list.push(value);
        samples.set(key(n, variant, clock), list);
      }
    }
  }
  const paired = (a: string, b: string) => median(samples.get(a)!.map((value, i) => value / samples.get(b)![i]!));
  const table = (clock: keyof PassRate, unit: string) =>
    markdownTable(
      ['turns in flight', `no telemetry (${unit})`, `telemetry: false (${unit})`, '×none', `telemetry on (${unit})`, '×none'],
      concurrencies.map((n) => [
        integer(n),
        integer(median(samples.get(key(n, 'none', clock))!)),
        integer(median(samples.get(key(n, 'off', clock))!)),
        ratio(paired(key(n, 'off', clock), key(n, 'none', clock))),
        integer(median(samples.get(key(n, 'on', clock))!)),
        ratio(paired(key(n, 'on', clock), key(n, 'none', clock))),
      ]),
    );
  return [
    '### Telemetry in the frame pipeline',
    '',
    `The pipeline benchmark's client pass (${integer(turns)} turns of ${recorded.lines.length} frames, validation off) with no telemetry option, with \`telemetry: false\`, ` +
      'and with telemetry on (the SDK\'s `BasicTracerProvider` with a simple processor into an exporter that drops the spans, and a `MeterProvider`): ' +
      `a turn span per turn, its metrics, and a request probe per request. Median of ${rounds} interleaved rounds after a warm-up; "×none" is the median of per-round ratios.`,
    '',
    'By the wall clock:',
    '',
    table('wall', 'frames/s'),
    '',
    'By the CPU time of the process:',
    '',
    table('cpu', 'frames/CPU-s'),
  ].join('\n');
}
