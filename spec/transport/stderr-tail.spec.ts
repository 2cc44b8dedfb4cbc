import { expect } from 'chai';
import { StderrTail } from '../../src/transport/stderr-tail.js';

describe('StderrTail', () => {
  it('keeps the last lines, oldest first, once the ring has wrapped', () => {
    const tail = new StderrTail(3);
    tail.write(Buffer.from('one\ntwo\nthree\nfour\nfive\n'));
    expect(tail.lines()).to.deep.equal(['three', 'four', 'five']);
  });

  it('joins lines and UTF-8 characters split across chunks, and flushes the last line on end', () => {
    const tail = new StderrTail(5);
    const text = Buffer.from('héllo wor');
    tail.write(text.subarray(0, 2)); // splits the two bytes of 'é'
    tail.write(text.subarray(2));
    tail.write(Buffer.from('ld\r\nno newline'));
    expect(tail.lines()).to.deep.equal(['héllo world']);
    tail.end();
    expect(tail.lines()).to.deep.equal(['héllo world', 'no newline']);
  });

  it('removes terminal colour codes and blank lines', () => {
    const tail = new StderrTail(5);
    tail.write(Buffer.from('\x1b[2m2026-11-29\x1b[0m \x1b[33mWARN\x1b[0m slow\n\n   \n'));
    expect(tail.lines()).to.deep.equal(['2026-11-29 WARN slow']);
  });

  it('keeps nothing with a size of 0', () => {
    const tail = new StderrTail(0);
    tail.write(Buffer.from('a\nb\n'));
    tail.end();
    expect(tail.lines()).to.deep.equal([]);
  });
});
