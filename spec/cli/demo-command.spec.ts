import { expect } from 'chai';
import { isProcessAlive } from '../support/server-processes.js';
import { childPids, runCli, startCli } from './cli-process.js';

/** The lines of one thread in the plain output, without the `title │ ` prefix. */
function laneLines(stdout: string, title: string): string[] {
  const prefix = new RegExp(`^${title} +│ `);
  return stdout
    .split('\n')
    .filter((line) => prefix.test(line))
    .map((line) => line.replace(prefix, ''));
}

describe('codex-rx demo (the CLI as a child process, against the real app-server)', function () {
  this.timeout(60_000);

  it('without a terminal prints plain lines for the three threads, the approval and the summary table', async () => {
    const outcome = await runCli(['demo']);
    expect(outcome.code, outcome.stderr).to.equal(0);
    expect(outcome.stderr).to.equal('');
    const { stdout } = outcome;
    // Plain lines, no redrawing.
    expect(stdout).to.not.match(/\u001b\[/);
    expect(stdout.split('\n')[0]).to.equal('codex-rx demo · 3 threads, concurrent turns on one app-server · scripted model, offline');

    expect(laneLines(stdout, 'haiku')).to.deep.equal([
      '▶ Write a haiku about reactive streams.',
      '  Events drift like leaves,',
      '  mapped, filtered, merged on their way:',
      '  one stream to the sea.',
      '✓ message · 15 words',
      laneLines(stdout, 'haiku').at(-1)!,
    ]);
    expect(laneLines(stdout, 'haiku').at(-1)).to.match(/^✓ completed in \d+\.\ds · tokens 1,830 in, 27 out$/);
    expect(laneLines(stdout, 'observable').join('\n')).to.contain('An Observable is a lazy push collection');
    expect(laneLines(stdout, 'shell')).to.include.members([
      "? approval: printf 'map\\nfilter\\nmerge\\n' > notes.txt && wc -l notes.txt · asked",
      "✓ approval: printf 'map\\nfilter\\nmerge\\n' > notes.txt && wc -l notes.txt · auto-accepted",
      "✓ $ printf 'map\\nfilter\\nmerge\\n' > notes.txt && wc -l notes.txt · exit 0",
      '  Done: notes.txt holds map, filter and merge, and wc -l counts 3 lines.',
    ]);

    // The threads stream at once: each one's text starts before any of them completes.
    const lines = stdout.split('\n');
    const firstCompletion = lines.findIndex((line) => line.includes('✓ completed'));
    for (const title of ['haiku', 'observable', 'shell']) {
      const firstText = lines.findIndex((line) => new RegExp(`^${title} +│ {3}\\S`).test(line));
      expect(firstText, title).to.be.within(0, firstCompletion);
    }

    // The summary table of the TurnResults.
    const table = lines.slice(lines.findIndex((line) => line.startsWith('┌')));
    expect(table.join('\n')).to.contain('thread').and.contain('final response');
    for (const title of ['haiku', 'observable', 'shell']) {
      expect(table.some((line) => new RegExp(`^│ ${title} +│ completed +│`).test(line)), title).to.equal(true);
    }
    expect(table.join('\n')).to.contain('3,841 / 62').and.contain('Events drift like leaves,');
  });

  it('Ctrl-C interrupts the running turns on the server, shows them interrupted, exits 130, leaves no server', async () => {
    const cli = startCli(['demo']);
    await cli.waitForStdout(/^haiku +│ {3}Events drift/m);
    const servers = await childPids(cli.child.pid!);
    expect(servers).to.have.length.greaterThan(0);
    cli.child.kill('SIGINT');
    const outcome = await cli.done;
    expect(outcome.code, outcome.stderr).to.equal(130);
    expect(outcome.stdout).to.contain('SIGINT: interrupting the running turns');
    expect(laneLines(outcome.stdout, 'haiku').at(-1)).to.match(/^■ interrupted in /);
    expect(outcome.stdout).to.match(/^│ haiku +│ interrupted +│/m);
    for (const pid of servers) expect(isProcessAlive(pid), `process ${pid}`).to.equal(false);
  });

  it('--interactive without a terminal is a usage error', async () => {
    const outcome = await runCli(['demo', '--interactive']);
    expect(outcome.code).to.equal(2);
    expect(outcome.stderr).to.contain('--interactive needs a terminal');
    expect(outcome.stdout).to.equal('');
  });
});
