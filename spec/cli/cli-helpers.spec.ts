import { expect } from 'chai';
import { displayCommand } from '../../src/cli/shared/display-command.js';
import { errorLine } from '../../src/cli/shared/error-line.js';
import { formatDuration } from '../../src/cli/shared/format-duration.js';
import { wrapText } from '../../src/cli/shared/wrap-text.js';
import { TransportClosedError } from '../../src/errors/transport-closed-error.js';

describe('CLI helpers', () => {
  it('wrapText breaks at spaces, keeps newlines, and cuts words longer than a line', () => {
    expect(wrapText('one two three', 7)).to.deep.equal(['one two', 'three']);
    expect(wrapText('a\nb c', 10)).to.deep.equal(['a', 'b c']);
    expect(wrapText('abcdefghij', 4)).to.deep.equal(['abcd', 'efgh', 'ij']);
    expect(wrapText('', 4)).to.deep.equal(['']);
  });

  it('wrapText keeps the lines before the last one as more text streams in', () => {
    const text = 'An Observable is a lazy push collection: nothing happens until you subscribe.';
    const full = wrapText(text, 20);
    for (let end = 1; end <= text.length; end += 1) {
      const partial = wrapText(text.slice(0, end), 20);
      expect(partial.slice(0, -1)).to.deep.equal(full.slice(0, partial.length - 1));
    }
  });

  it('displayCommand drops the shell wrapper the server reports, undoing its quoting', () => {
    expect(displayCommand("/bin/bash -lc 'ls -la'")).to.equal('ls -la');
    expect(displayCommand(`/bin/bash -lc 'echo '\\''hi'\\'''`)).to.equal("echo 'hi'");
    expect(displayCommand(`/bin/bash -lc "printf 'a\\\\n' > a.txt && echo \\"\\$HOME\\""`)).to.equal(`printf 'a\\n' > a.txt && echo "$HOME"`);
    expect(displayCommand('git status')).to.equal('git status');
  });

  it('errorLine gives the class name and the first line of the message', () => {
    const error = new TransportClosedError('codex app-server (pid 1) exited', { exitCode: 3, stderrTail: ['boom'] });
    expect(errorLine(error)).to.equal('TransportClosedError: codex app-server (pid 1) exited, exit code 3');
    expect(errorLine(new TypeError(''))).to.equal('TypeError');
    expect(errorLine('plain')).to.equal('Error: plain');
  });

  it('formatDuration shows tenths below a minute, then minutes and seconds', () => {
    expect(formatDuration(2345)).to.equal('2.3s');
    expect(formatDuration(83_000)).to.equal('1m23s');
    expect(formatDuration(-5)).to.equal('0.0s');
  });
});
