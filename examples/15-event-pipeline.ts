/**
 * Event pipeline: one turn's event stream, split into an audit log of the commands the agent
 * ran, a word count of its answer, and a tally of events by method — all from one subscription.
 */
import { count, groupBy, lastValueFrom, map, merge, mergeMap, reduce, share, tap, toArray } from 'rxjs';
import { ApprovalMode, Sandbox, agentTextDeltas, itemsOfType, type Codex } from 'codex-rx';
import { assistantMessage, deltas, execCommand, response } from 'codex-rx/testing';
import { runIfMain, type ExampleIo } from './support/run-example.js';

export const script = [
  response(assistantMessage('Checking the tools first.', { phase: 'commentary' }), execCommand('node --version')),
  response(execCommand('uname -s')),
  response(deltas(['Node ', 'is installed ', 'and the kernel ', 'is Linux.'], { phase: 'final_answer' })),
];

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  // Read-only and never asking: the commands may look, not change anything.
  const thread = await codex.threadStart({ cwd: io.workspace, sandbox: Sandbox.readOnly, approvalMode: ApprovalMode.denyAll });
  // turn$ starts the turn on subscribe; share() lets the three branches below read one turn.
  const events$ = thread.turn$('Run `node --version`, then `uname -s`, then say in one sentence what you found.').pipe(share());

  const audit$ = events$.pipe(
    itemsOfType('commandExecution'),
    map((item) => `audit: ${item.commandActions[0]?.command ?? item.command} → ${item.status}, exit ${item.exitCode}`),
  );
  const words$ = events$.pipe(
    agentTextDeltas(),
    reduce((text, delta) => text + delta, ''),
    map((text) => `agent text: ${text.split(/\s+/).filter(Boolean).length} words streamed`),
  );
  const tally$ = events$.pipe(
    groupBy((event) => event.method),
    mergeMap((group) => group.pipe(count(), map((n) => `${group.key} ×${n}`))),
    toArray(),
    map((counts) => `events: ${counts.sort().join(', ')}`),
  );

  // One subscription drives the turn; each branch prints as soon as it has something to say.
  await lastValueFrom(merge(audit$, words$, tally$).pipe(tap((line) => io.log(line))));
}

await runIfMain(import.meta, { main, script });
