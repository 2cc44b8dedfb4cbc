import type { RecordedSpan } from '../../telemetry/span-recorder.js';

/** Attributes worth a glance in the tree, in this order. */
const SHOWN = [
  'codex.turn.status',
  'gen_ai.request.model',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'codex.command.exit_code',
  'codex.item.status',
  'gen_ai.tool.name',
  'error.type',
];

/**
 * The spans of a trace as a tree for a terminal: one line per span, indented under its parent,
 * with its duration and a bar placed on the trace's time line, so that a person sees where the
 * time went (the model, a command, a wait for an answer).
 *
 * @example
 * declare const spans: Parameters<typeof formatSpanTree>[0];
 * process.stderr.write(formatSpanTree(spans, 40));
 */
export function formatSpanTree(spans: readonly RecordedSpan[], barWidth = 40): string {
  if (spans.length === 0) return '';
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string | undefined, RecordedSpan[]>();
  for (const span of spans) {
    const parent = span.parentSpanId !== undefined && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  for (const list of children.values()) list.sort((a, b) => a.startMs - b.startMs);
  const start = Math.min(...spans.map((span) => span.startMs));
  const total = Math.max(1, Math.max(...spans.map((span) => span.endMs)) - start);
  const rows: { label: string; span: RecordedSpan }[] = [];
  const walk = (span: RecordedSpan, prefix: string, last: boolean, depth: number) => {
    rows.push({ label: depth === 0 ? span.name : `${prefix}${last ? '└─ ' : '├─ '}${span.name}`, span });
    const next = depth === 0 ? '' : `${prefix}${last ? '   ' : '│  '}`;
    const kids = children.get(span.spanId) ?? [];
    kids.forEach((kid, index) => walk(kid, next, index === kids.length - 1, depth + 1));
  };
  for (const root of children.get(undefined) ?? []) walk(root, '', true, 0);
  const labelWidth = Math.max(...rows.map((row) => row.label.length));
  return rows
    .map(({ label, span }) => {
      const from = Math.floor(((span.startMs - start) / total) * barWidth);
      const length = Math.max(1, Math.round(((span.endMs - span.startMs) / total) * barWidth));
      const bar = ' '.repeat(from) + (span.failed ? '▒' : '█').repeat(Math.min(length, barWidth - from));
      const details = SHOWN.filter((key) => span.attributes[key] !== undefined).map((key) => `${key.split('.').at(-1)}=${String(span.attributes[key])}`);
      const events = span.events.length === 0 ? [] : [`events: ${span.events.map((event) => event.name).join(', ')}`];
      return `${label.padEnd(labelWidth)}  ${formatMs(span.endMs - span.startMs).padStart(8)}  │${bar.padEnd(barWidth)}│ ${[...details, ...events].join(' ')}`.trimEnd();
    })
    .join('\n')
    .concat('\n');
}

function formatMs(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
}
