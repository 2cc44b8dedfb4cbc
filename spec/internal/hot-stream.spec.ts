import { expect } from 'chai';
import { Observable, Subject } from 'rxjs';
import { DirectObservable } from '../../src/internal/direct-observable.js';
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

/** Runs `body` with uncaught exceptions (rxjs reports a subscriber's error as one) caught, and returns their messages. */
async function uncaughtDuring(body: () => Promise<void>): Promise<string[]> {
  const reported: unknown[] = [];
  const onUncaught = (error: unknown) => reported.push(error);
  const listeners = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', onUncaught);
  try {
    await body();
  } finally {
    process.removeListener('uncaughtException', onUncaught);
    for (const listener of listeners) process.on('uncaughtException', listener);
  }
  return reported.map((error) => (error as Error).message);
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
    const reported = await uncaughtDuring(async () => {
      stream.observable.subscribe(() => {
        throw new Error('subscriber bug');
      });
      stream.observable.subscribe((value) => seen.push(value));
      stream.next(1);
      stream.next(2);
      // rxjs reports an error thrown by a subscriber on a timer, as it does for a Subject.
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
    expect(seen).to.deep.equal([1, 2]);
    expect(reported).to.deep.equal(['subscriber bug', 'subscriber bug']);
  });

  it('takes plain observers through observe, in order with subscribers, and ends them as a Subject ends its subscribers', () => {
    const stream = new HotStream<number>();
    const seen: string[] = [];
    stream.observable.subscribe({ next: (value) => seen.push(`s${value}`), complete: () => seen.push('s:complete') });
    const unobserve = stream.observable.observe({ next: (value) => seen.push(`o${value}`), complete: () => seen.push('o:complete') });
    stream.observable.observe({ complete: () => seen.push('end-only:complete') });
    const leaving = stream.observable.observe({ next: (value) => seen.push(`l${value}`), complete: () => seen.push('l:complete') });
    stream.next(1);
    leaving();
    stream.next(2);
    stream.complete();
    unobserve();
    stream.observable.observe({ complete: () => seen.push('late:complete') });
    expect(seen).to.deep.equal(['s1', 'o1', 'l1', 's2', 'o2', 's:complete', 'o:complete', 'end-only:complete', 'late:complete']);
    expect(stream.observed).to.equal(false);
  });

  it('an observer detached during a delivery gets nothing more, one attached during it only later values', () => {
    const stream = new HotStream<number>();
    const seen: string[] = [];
    let unobserveSecond = (): void => undefined;
    stream.observable.observe({
      next: (value) => {
        seen.push(`a${value}`);
        if (value === 1) {
          unobserveSecond();
          stream.observable.observe({ next: (late) => seen.push(`c${late}`) });
        }
      },
    });
    unobserveSecond = stream.observable.observe({ next: (value) => seen.push(`b${value}`) });
    stream.next(1);
    stream.next(2);
    expect(seen).to.deep.equal(['a1', 'a2', 'c2']);
  });

  it('ends an observer with the error; a throwing observer is reported and the others still get the value', async () => {
    const stream = new HotStream<number>();
    const seen: string[] = [];
    const reported = await uncaughtDuring(async () => {
      stream.observable.observe({
        next: () => {
          throw new Error('observer bug');
        },
      });
      stream.observable.observe({ next: (value) => seen.push(String(value)), error: (error: unknown) => seen.push(`error:${(error as Error).message}`) });
      stream.next(1);
      stream.error(new Error('gone'));
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
    expect(seen).to.deep.equal(['1', 'error:gone']);
    // The first observer has no error handler: its error is reported as rxjs reports an unhandled one.
    expect(reported).to.deep.equal(['observer bug', 'gone']);
  });

  it('DirectObservable.attach observes a DirectObservable directly and subscribes to any other Observable', () => {
    const stream = new HotStream<number>();
    const subject = new Subject<number>();
    const seen: string[] = [];
    const direct = DirectObservable.attach(stream.observable, { next: (value) => seen.push(`d${value}`) });
    const plain = DirectObservable.attach(subject.asObservable(), { next: (value) => seen.push(`p${value}`) });
    stream.next(1);
    subject.next(1);
    direct.unsubscribe();
    plain.unsubscribe();
    stream.next(2);
    subject.next(2);
    expect(seen).to.deep.equal(['d1', 'p1']);
    expect(stream.observed).to.equal(false);
    expect(subject.observed).to.equal(false);
  });

  it('HotStream.share makes one pass through its source for every consumer, and ends with it', () => {
    const stream = new HotStream<number>();
    let connections = 0;
    // Cold: each subscription is a pass of its own, as the reconciler's stream is.
    const source$ = new Observable<number>((subscriber) => {
      connections += 1;
      return stream.observable.subscribe(subscriber);
    });
    const shared = HotStream.share(source$);
    const first = record(shared);
    const second = record(shared);
    stream.next(1);
    stream.next(2);
    stream.complete();
    expect(connections).to.equal(1);
    expect(first.seen).to.deep.equal(['1', '2', 'complete']);
    expect(second.seen).to.deep.equal(first.seen);
    expect(record(shared).seen).to.deep.equal(['complete']);
  });
});
