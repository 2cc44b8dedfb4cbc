/**
 * Streamed thread search: provisional rows as the server finds them, then the final page.
 */
import { lastValueFrom, tap } from 'rxjs';
import type { Codex } from 'codex-rx';
import { assistantMessage, response } from 'codex-rx/testing';
import { runIfMain, type ExampleIo } from './support/run-example.js';

export const script = [
  response(assistantMessage('Zebras have stripes that confuse biting flies.')),
  response(assistantMessage('Otters hold hands while they sleep.')),
];

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  await (await codex.threadStart()).run('Why do zebras have stripes?');
  await (await codex.threadStart()).run('A fact about otters, please.');

  let provisional = 0;
  const final = await lastValueFrom(
    codex.threadSearch$('zebras').pipe(tap((event) => (provisional += event.type === 'partial' ? event.data.length : 0))),
  );
  if (final.type === 'final') {
    io.log(`provisional rows: ${provisional}`);
    for (const row of final.result.data) io.log(`found: ${row.thread.preview}`);
  }
  // Unsubscribing before the final page cancels the search on the server (thread/search/stream/cancel).
  codex.threadSearch$('otters').subscribe({ error: (error: unknown) => io.log(`search failed: ${String(error)}`) }).unsubscribe();
}

await runIfMain(import.meta, { main, script });
