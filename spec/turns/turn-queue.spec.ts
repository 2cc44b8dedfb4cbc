import { expect } from 'chai';
import { TurnQueue } from '../../src/turns/turn-queue.js';

describe('TurnQueue', () => {
  it('grants the leases of one thread one after another, in order, and forgets the thread when done', () => {
    const queue = new TurnQueue();
    const granted: string[] = [];
    const a = queue.lease$('t1').subscribe(() => granted.push('a'));
    const b = queue.lease$('t1').subscribe(() => granted.push('b'));
    const c = queue.lease$('t1').subscribe(() => granted.push('c'));
    expect(granted).to.deep.equal(['a']);
    a.unsubscribe();
    expect(granted).to.deep.equal(['a', 'b']);
    b.unsubscribe();
    expect(granted).to.deep.equal(['a', 'b', 'c']);
    expect(queue.size).to.equal(1);
    c.unsubscribe();
    expect(queue.size).to.equal(0);
  });

  it('drops a lease unsubscribed while it waits, without delaying the ones after it', () => {
    const queue = new TurnQueue();
    const granted: string[] = [];
    const a = queue.lease$('t1').subscribe(() => granted.push('a'));
    const b = queue.lease$('t1').subscribe(() => granted.push('b'));
    const c = queue.lease$('t1').subscribe(() => granted.push('c'));
    b.unsubscribe();
    a.unsubscribe();
    expect(granted).to.deep.equal(['a', 'c']);
    c.unsubscribe();
    expect(queue.size).to.equal(0);
  });

  it('keeps threads apart: a held thread does not delay another', () => {
    const queue = new TurnQueue();
    const granted: string[] = [];
    const a = queue.lease$('t1').subscribe(() => granted.push('t1'));
    const b = queue.lease$('t2').subscribe(() => granted.push('t2'));
    expect(granted).to.deep.equal(['t1', 't2']);
    expect(queue.size).to.equal(2);
    a.unsubscribe();
    b.unsubscribe();
    expect(queue.size).to.equal(0);
  });

  it('grants the next lease when the holder releases from inside its grant', () => {
    const queue = new TurnQueue();
    const granted: string[] = [];
    const first = queue.lease$('t1').subscribe(() => {
      granted.push('first');
      queueMicrotask(() => first.unsubscribe());
    });
    queue.lease$('t1').subscribe(() => granted.push('second'));
    return Promise.resolve().then(() => expect(granted).to.deep.equal(['first', 'second']));
  });
});
