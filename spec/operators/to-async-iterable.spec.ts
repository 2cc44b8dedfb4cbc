import { expect } from 'chai';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Observable, Subject, concat, of, range, throwError } from 'rxjs';
import { toAsyncIterable } from '../../src/operators/to-async-iterable.js';
import { toReadable } from '../../src/operators/to-readable.js';

/** An Observable that counts its live subscriptions. */
function counted<T>(source$: Observable<T>) {
  const live = { subscribed: 0, unsubscribed: 0 };
  const observable = new Observable<T>((subscriber) => {
    live.subscribed += 1;
    const subscription = source$.subscribe(subscriber);
    return () => {
      live.unsubscribed += 1;
      subscription.unsubscribe();
    };
  });
  return { observable, live };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Writable that takes `ms` per value and records what it got. */
function slowWriter(ms: number, got: unknown[]) {
  return new Writable({
    objectMode: true,
    highWaterMark: 1,
    write(value: unknown, _encoding, done) {
      got.push(value);
      setTimeout(done, ms);
    },
  });
}

describe('toAsyncIterable', () => {
  it('gives the values in order and ends when the Observable completes', async () => {
    const got: number[] = [];
    for await (const value of toAsyncIterable(range(1, 5))) got.push(value);
    expect(got).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it('throws the Observable error after the values before it', async () => {
    const failure = new Error('boom');
    const got: number[] = [];
    let caught: unknown;
    try {
      for await (const value of toAsyncIterable(concat(of(1, 2), throwError(() => failure)))) got.push(value);
    } catch (error) {
      caught = error;
    }
    expect(got).to.deep.equal([1, 2]);
    expect(caught).to.equal(failure);
  });

  it('subscribes on the first next(), and break unsubscribes', async () => {
    const source = new Subject<number>();
    const { observable, live } = counted(source);
    const iterable = toAsyncIterable(observable);
    expect(live.subscribed).to.equal(0);
    const got: number[] = [];
    const loop = (async () => {
      for await (const value of iterable) {
        got.push(value);
        if (value === 2) break;
      }
    })();
    await pause(0);
    expect(live).to.deep.equal({ subscribed: 1, unsubscribed: 0 });
    source.next(1);
    source.next(2);
    source.next(3);
    await loop;
    expect(got).to.deep.equal([1, 2]);
    expect(live).to.deep.equal({ subscribed: 1, unsubscribed: 1 });
    expect(source.observed).to.equal(false);
  });

  it('a slow loop loses and reorders nothing of a fast source', async () => {
    const source = new Subject<number>();
    const got: number[] = [];
    const loop = (async () => {
      for await (const value of toAsyncIterable(source)) {
        got.push(value);
        await pause(1);
      }
    })();
    await pause(0);
    for (let i = 0; i < 1_000; i += 1) source.next(i);
    source.complete();
    await loop;
    expect(got).to.deep.equal(Array.from({ length: 1_000 }, (_, i) => i));
  });
});

describe('toReadable', () => {
  it('a slow writer gets every value in order through pipeline(), and the stream ends with the Observable', async () => {
    const source = new Subject<{ n: number }>();
    const { observable, live } = counted(source);
    const got: unknown[] = [];
    const done = pipeline(toReadable(observable), slowWriter(1, got));
    await pause(0);
    for (let i = 0; i < 500; i += 1) source.next({ n: i });
    source.complete();
    await done;
    expect(got).to.deep.equal(Array.from({ length: 500 }, (_, n) => ({ n })));
    expect(live).to.deep.equal({ subscribed: 1, unsubscribed: 1 });
  });

  it('takes from the Observable only as fast as the reader drains (highWaterMark)', async () => {
    const source = new Subject<number>();
    const readable = toReadable(source, { highWaterMark: 4 });
    readable.pause();
    readable.read(0);
    await pause(0);
    for (let i = 0; i < 100; i += 1) source.next(i);
    await pause(5);
    expect(readable.readableLength).to.be.at.most(5);
    const got: number[] = [];
    source.complete();
    for await (const value of readable) got.push(value as number);
    expect(got).to.deep.equal(Array.from({ length: 100 }, (_, i) => i));
  });

  it('is destroyed with the Observable error', async () => {
    const failure = new Error('boom');
    const got: unknown[] = [];
    const error = await pipeline(toReadable(concat(of(1, 2), throwError(() => failure))), slowWriter(0, got)).catch((e: unknown) => e);
    expect(error).to.equal(failure);
    expect(got).to.deep.equal([1, 2]);
  });

  it('destroying it unsubscribes', async () => {
    const source = new Subject<number>();
    const { observable, live } = counted(source);
    const readable = toReadable(observable);
    readable.resume();
    await pause(0);
    expect(live.subscribed).to.equal(1);
    readable.destroy();
    await pause(0);
    expect(live.unsubscribed).to.equal(1);
    expect(source.observed).to.equal(false);
  });
});
