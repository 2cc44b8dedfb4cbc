import { expect } from 'chai';
import { Subject, type Observable } from 'rxjs';
import { HotStream } from '../../src/internal/hot-stream.js';

/** Everything a subscriber saw, in order: values, then `complete` or `error:<message>`. */
function record<T>(source: Observable<T>): { readonly seen: string[]; unsubscribe(): void } {
  const seen: string[] = [];
  const subscription = source.subscribe({
    next: (value) => seen.push(String(value)),
    error: (error: unknown) => seen.push(`error:${(error as Error).message}`),
    complete: () => seen.push('complete'),
  });
  return { seen, unsubscribe: () => subscription.unsubscribe() };
}

/** Drives a HotStream and a Subject with the same script and returns what each subscriber saw. */
function sideBySide(script: (stream: { next(v: number): void; error(e: Error): void; complete(): void }, subscribe: () => void) => void): {
  readonly hot: string[][];
  readonly subject: string[][];
} {
  const run = (stream: HotStream<number> | Subject<number>, source: Observable<number>) => {
    const logs: string[][] = [];
    script(stream, () => logs.push(record(source).seen));
    return logs;
  };
  const hot = new HotStream<number>();
  const subject = new Subject<number>();
  return { hot: run(hot, hot.observable), subject: run(subject, subject.asObservable()) };
}

describe('HotStream', () => {
  it('delivers each value to the subscribers present when it is emitted, as a Subject does', () => {
    const { hot, subject } = sideBySide((stream, subscribe) => {
      stream.next(0);
      subscribe();
      stream.next(1);
      subscribe();
      stream.next(2);
      stream.complete();
      stream.next(3);
      subscribe();
    });
    expect(hot).to.deep.equal([['1', '2', 'complete'], ['2', 'complete'], ['complete']]);
    expect(hot).to.deep.equal(subject);
  });

  it('ends every subscriber, present and late, with its error, once', () => {
    const { hot, subject } = sideBySide((stream, subscribe) => {
      subscribe();
      stream.error(new Error('gone'));
      stream.complete();
      stream.error(new Error('again'));
      subscribe();
    });
    expect(hot).to.deep.equal([['error:gone'], ['error:gone']]);
    expect(hot).to.deep.equal(subject);
  });

  it('removes a subscriber on unsubscribe; one leaving during a delivery does not make another miss it', () => {
    const stream = new HotStream<number>();
    const seen: string[] = [];
    const first = stream.observable.subscribe((value) => {
      seen.push(`a${value}`);
      first.unsubscribe();
    });
    stream.observable.subscribe((value) => seen.push(`b${value}`));
    expect(stream.observed).to.equal(true);
    stream.next(1);
    stream.next(2);
    expect(seen).to.deep.equal(['a1', 'b1', 'b2']);
    stream.complete();
    expect(stream.observed).to.equal(false);
  });

  it('does not hand a value being delivered to a subscriber that joins during that delivery', () => {
    const stream = new HotStream<number>();
    const seen: string[] = [];
    stream.observable.subscribe((value) => {
      seen.push(`a${value}`);
      if (value === 1) stream.observable.subscribe((late) => seen.push(`b${late}`));
    });
    stream.next(1);
    stream.next(2);
    expect(seen).to.deep.equal(['a1', 'a2', 'b2']);
  });

  it('keeps delivering to the others when a subscriber throws', async () => {
    const stream = new HotStream<number>();
    const seen: number[] = [];
    const reported: unknown[] = [];
    const onUncaught = (error: unknown) => reported.push(error);
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', onUncaught);
    try {
      stream.observable.subscribe(() => {
        throw new Error('subscriber bug');
      });
      stream.observable.subscribe((value) => seen.push(value));
      stream.next(1);
      stream.next(2);
      // rxjs reports an error thrown by a subscriber on a timer, as it does for a Subject.
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.removeListener('uncaughtException', onUncaught);
      for (const listener of listeners) process.on('uncaughtException', listener);
    }
    expect(seen).to.deep.equal([1, 2]);
    expect(reported.map((error) => (error as Error).message)).to.deep.equal(['subscriber bug', 'subscriber bug']);
  });
});
