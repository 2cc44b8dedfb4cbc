/** A markdown table: a header row, then rows; numbers should be formatted by the caller. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => ((align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'r' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((width, i) => ((align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'r' ? `${'-'.repeat(width + 1)}:` : `:${'-'.repeat(width + 1)}`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** 1234567 → "1,234,567". */
export function integer(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A ratio such as "0.87×". */
export function ratio(value: number, digits = 2): string {
  return `${value.toFixed(digits)}×`;
}

/** Milliseconds, with one decimal under 100 ms. */
export function millis(value: number): string {
  return value < 100 ? `${value.toFixed(1)} ms` : `${integer(value)} ms`;
}

/** Bytes as MiB with one decimal. */
export function mebibytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MiB`;
}

/** Bytes as KiB or B. */
export function size(bytes: number): string {
  return Math.abs(bytes) >= 10_240 ? `${(bytes / 1024).toFixed(1)} KiB` : `${Math.round(bytes)} B`;
}

/** Progress for the person watching; stderr, so that stdout holds the tables only. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
