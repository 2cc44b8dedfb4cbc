/**
 * Thread lifecycle and controls: name, read, list, archive, unarchive, resume, fork, compact.
 */
import { filter, firstValueFrom } from 'rxjs';
import { ofMethod, type Codex } from 'codex-rx';
import { assistantMessage, response } from 'codex-rx/testing';
import { runIfMain, type ExampleIo } from './support/run-example.js';

export const script = [
  response(assistantMessage('Structured planning breaks a goal into ordered, checkable steps.')),
  response(assistantMessage('Plan the work in small steps you can tick off, in order.')),
  response(assistantMessage('Then review the steps together before starting.')),
  response(assistantMessage('Or start from the deadline and plan backwards.')),
  response(assistantMessage('Summary: planning in steps, explained twice.')),
];

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  const thread = await codex.threadStart();
  const first = await thread.run('One sentence about structured planning.');
  const second = await thread.run('Now restate it for a junior engineer.');
  io.log(`first: ${first.status}, second: ${second.status}`);

  await thread.setName('codex-rx lifecycle demo');
  const { thread: stored } = await thread.read({ includeTurns: true });
  io.log(`read: "${stored.name}", ${stored.turns.length} turns`);

  const active = await codex.threadList({ limit: 20, archived: false });
  await codex.threadArchive(thread.id);
  const archived = await codex.threadList({ limit: 20, archived: true });
  io.log(`listed: ${active.data.length} active, then ${archived.data.length} archived`);
  const unarchived = await codex.threadUnarchive(thread.id);

  const resumed = await codex.threadResume(unarchived.id);
  io.log(`resumed: ${(await resumed.run('Continue in one short sentence.')).status}`);
  // A fork copies the history into a new thread; the original is untouched.
  const forked = await codex.threadFork(unarchived.id);
  io.log(`forked into a new thread: ${forked.id !== thread.id}, ${(await forked.run('Take a different angle.')).status}`);

  // Compaction runs as a turn of its own: listen for its completion before starting it.
  const compacted = firstValueFrom(
    codex.notifications$.pipe(ofMethod('turn/completed'), filter((n) => n.params.threadId === thread.id)),
  );
  await thread.compact();
  io.log(`compacted: ${(await compacted).params.turn.status}`);
}

await runIfMain(import.meta, { main, script });
