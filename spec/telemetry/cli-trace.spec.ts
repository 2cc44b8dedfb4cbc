import { expect } from 'chai';
import { formatSpanTree } from '../../src/cli/run/format-span-tree.js';
import type { RecordedSpan } from '../../src/telemetry/span-recorder.js';
import { startCli } from '../cli/cli-process.js';

function span(name: string, spanId: string, parentSpanId: string | undefined, startMs: number, endMs: number, attributes: RecordedSpan['attributes'] = {}): RecordedSpan {
  return { name, traceId: 't', spanId, parentSpanId, startMs, endMs, attributes, events: [], failed: false };
}

describe('codex-rx run --trace', function () {
  this.timeout(60_000);

  it('prints the finished turn as a span tree with its duration bar on stderr, the answer still alone on stdout', async () => {
    const { code, stdout, stderr } = await startCli(['run', '--scripted', '--trace', 'Say hello']).done;
    expect(code).to.equal(0);
    expect(stdout).not.to.contain('invoke_agent');
    expect(stderr).to.match(/invoke_agent codex +\d+ ms +│█+ *│ status=completed model=\S+ input_tokens=\d+ output_tokens=\d+/);
  });

  it('draws children under their parent, each bar where its span sits on the time line', () => {
    const text = formatSpanTree(
      [
        span('invoke_agent codex', 'a', undefined, 0, 4000, { 'codex.turn.status': 'completed' }),
        span('await_approval', 'b', 'a', 1000, 2000),
        span('execute_command', 'c', 'a', 2000, 3000, { 'codex.command.exit_code': 0 }),
      ],
      8,
    );
    expect(text.split('\n')).to.deep.equal([
      'invoke_agent codex    4.00 s  │████████│ status=completed',
      '├─ await_approval     1.00 s  │  ██    │',
      '└─ execute_command    1.00 s  │    ██  │ exit_code=0',
      '',
    ]);
  });
});
