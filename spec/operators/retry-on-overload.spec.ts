import { expect } from 'chai';
import { defer, type Observable } from 'rxjs';
import type { ColdObservable } from 'rxjs/internal/testing/ColdObservable';
import type { RunHelpers, TestScheduler } from 'rxjs/testing';
import { InvalidParamsError, JsonRpcError, ServerBusyError } from '../../src/jsonrpc/json-rpc-error.js';
import {
  DEFAULT_RETRY_ON_OVERLOAD_CONFIG,
  overloadDelayMs,
  retryOnOverload,
} from '../../src/operators/retry-on-overload.js';
import { marbleScheduler, seededRandom, sub } from './fixtures.js';

/** Each attempt runs 2 frames before it fails (`--#`); the successful one emits at +2 and completes at +3 (`--a|`). */
const ATTEMPT_FRAMES = 2;

function busy(attempt: number): ServerBusyError {
  // The server sends -32001 with no data. The method (part of the message) tells the attempts apart.
  return new ServerBusyError(-32001, 'Server overloaded; retry later.', undefined, `thread/list#${attempt}`);
}

interface Attempts {
  /** Fails on its first `errors.length` subscriptions, with those errors in turn, then succeeds. */
  readonly source: Observable<string>;
  readonly failing: ReadonlyArray<ColdObservable<string>>;
  readonly succeeding: ColdObservable<string>;
}

function attempts(cold: RunHelpers['cold'], errors: readonly unknown[]): Attempts {
  const failing = errors.map((error) => cold<string>('--#', undefined, error));
  const succeeding = cold('--a|', { a: 'ok' });
  let subscriptions = 0;
  const source = defer(() => failing[subscriptions++] ?? succeeding);
  return { source, failing, succeeding };
}

/** When each attempt subscribes, given the delays before the retries. */
function attemptStarts(delays: readonly number[]): number[] {
  const starts = [0];
  for (const delay of delays) starts.push(starts[starts.length - 1]! + ATTEMPT_FRAMES + delay);
  return starts;
}

/** The outcome of `failures` overloads in a row under `maxAttempts`, with `delays` before the retries, checked as marbles. */
function expectRetries(
  helpers: RunHelpers,
  options: { failures: number; maxAttempts: number; delays: readonly number[]; operator: ReturnType<typeof retryOnOverload<string>> },
): void {
  const { cold, expectObservable, expectSubscriptions } = helpers;
  const errors = Array.from({ length: options.failures }, (_, i) => busy(i + 1));
  const { source, failing, succeeding } = attempts(cold, errors);
  const tries = Math.min(options.failures + 1, options.maxAttempts);
  const starts = attemptStarts(options.delays.slice(0, tries - 1));
  const last = starts[tries - 1]!;
  if (options.failures < options.maxAttempts) {
    expectObservable(source.pipe(options.operator)).toBe(`${last + 2}ms a|`, { a: 'ok' });
    expectSubscriptions(succeeding.subscriptions).toBe(sub(last, 3));
  } else {
    expectObservable(source.pipe(options.operator)).toBe(`${last + 2}ms #`, undefined, errors[tries - 1]);
    expectSubscriptions(succeeding.subscriptions).toBe([]);
  }
  failing.forEach((attempt, i) => {
    expectSubscriptions(attempt.subscriptions).toBe(i < tries && i < options.failures ? sub(starts[i]!, ATTEMPT_FRAMES) : []);
  });
}

const noJitter = (): number => 0.5;

describe('retryOnOverload', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = marbleScheduler({ strictErrors: true });
  });

  it('has the defaults of the Python SDK', () => {
    expect(DEFAULT_RETRY_ON_OVERLOAD_CONFIG).to.deep.equal({ maxAttempts: 3, initialDelayMs: 250, maxDelayMs: 2_000, jitterRatio: 0.2 });
  });

  it('passes values and completion through untouched when nothing fails', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-c|');
      expectObservable(source.pipe(retryOnOverload({ scheduler, random: noJitter }))).toBe('-a-b-c|');
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  for (const failures of [0, 1, 2, 3, 4]) {
    const outcome = failures < 3 ? 'succeeds' : 'errors with the last ServerBusyError';
    it(`${outcome} after ${failures} overload(s) with the default 3 attempts (retries at +250ms, then +500ms)`, () => {
      scheduler.run((helpers) => {
        expectRetries(helpers, { failures, maxAttempts: 3, delays: [250, 500], operator: retryOnOverload({ scheduler, random: noJitter }) });
      });
    });
  }

  for (const maxAttempts of [1, 2, 4, 5]) {
    for (let failures = 0; failures <= maxAttempts; failures += 1) {
      it(`maxAttempts ${maxAttempts}: ${failures < maxAttempts ? 'succeeds' : 'gives up'} after ${failures} overload(s)`, () => {
        scheduler.run((helpers) => {
          expectRetries(helpers, {
            failures,
            maxAttempts,
            delays: [250, 500, 1_000, 2_000],
            operator: retryOnOverload({ maxAttempts, scheduler, random: noJitter }),
          });
        });
      });
    }
  }

  it('uses the scheduler run() installs when none is given', () => {
    scheduler.run((helpers) => {
      expectRetries(helpers, { failures: 2, maxAttempts: 3, delays: [250, 500], operator: retryOnOverload({ random: noJitter }) });
    });
    scheduler = marbleScheduler({ strictErrors: true });
    scheduler.run((helpers) => {
      expectRetries(helpers, { failures: 3, maxAttempts: 3, delays: [250, 500], operator: retryOnOverload({ random: noJitter }) });
    });
  });

  it('caps the delay at maxDelayMs', () => {
    scheduler.run((helpers) => {
      expectRetries(helpers, {
        failures: 6,
        maxAttempts: 6,
        delays: [100, 200, 300, 300, 300],
        operator: retryOnOverload({ maxAttempts: 6, initialDelayMs: 100, maxDelayMs: 300, scheduler, random: noJitter }),
      });
    });
  });

  it('doubles from initialDelayMs', () => {
    scheduler.run((helpers) => {
      expectRetries(helpers, {
        failures: 4,
        maxAttempts: 5,
        delays: [10, 20, 40, 80],
        operator: retryOnOverload({ maxAttempts: 5, initialDelayMs: 10, scheduler, random: noJitter }),
      });
    });
  });

  it('waits at the lower jitter bound (-20%) when random() is 0', () => {
    scheduler.run((helpers) => {
      expectRetries(helpers, { failures: 3, maxAttempts: 3, delays: [200, 400], operator: retryOnOverload({ scheduler, random: () => 0 }) });
    });
  });

  it('waits at the upper jitter bound (+20%) when random() is just under 1', () => {
    scheduler.run((helpers) => {
      expectRetries(helpers, { failures: 2, maxAttempts: 3, delays: [300, 600], operator: retryOnOverload({ scheduler, random: () => 0.999999 }) });
    });
  });

  it('applies the jitter after the cap', () => {
    scheduler.run((helpers) => {
      expectRetries(helpers, {
        failures: 4,
        maxAttempts: 4,
        delays: [120, 240, 360],
        operator: retryOnOverload({ maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 300, scheduler, random: () => 0.999999 }),
      });
    });
  });

  it('does not jitter with jitterRatio 0, whatever random() says', () => {
    scheduler.run((helpers) => {
      expectRetries(helpers, { failures: 2, maxAttempts: 3, delays: [250, 500], operator: retryOnOverload({ jitterRatio: 0, scheduler, random: () => 0 }) });
    });
  });

  it('draws one random number per retry', () => {
    let draws = 0;
    const random = (): number => {
      draws += 1;
      return 0.5;
    };
    scheduler.run((helpers) => {
      expectRetries(helpers, { failures: 3, maxAttempts: 3, delays: [250, 500], operator: retryOnOverload({ scheduler, random }) });
    });
    expect(draws).to.equal(2);
  });

  it('never retries InvalidParamsError: it passes at once, after one subscription', () => {
    const invalid = new InvalidParamsError(-32602, 'Invalid params: threadId is required', undefined, 'turn/start');
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const { source, failing, succeeding } = attempts(cold, [invalid]);
      expectObservable(source.pipe(retryOnOverload({ scheduler, random: noJitter }))).toBe('--#', undefined, invalid);
      expectSubscriptions(failing[0]!.subscriptions).toBe('^-!');
      expectSubscriptions(succeeding.subscriptions).toBe([]);
    });
  });

  it('never retries errors that are not JSON-RPC errors', () => {
    const failure = new Error('transport closed');
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const { source, failing, succeeding } = attempts(cold, [failure]);
      expectObservable(source.pipe(retryOnOverload({ scheduler, random: noJitter }))).toBe('--#', undefined, failure);
      expectSubscriptions(failing[0]!.subscriptions).toBe('^-!');
      expectSubscriptions(succeeding.subscriptions).toBe([]);
    });
  });

  it('retries a plain JsonRpcError with server_overloaded in its data', () => {
    const overloaded = new JsonRpcError(-32000, 'Request failed', { codexErrorInfo: 'server_overloaded' }, 'thread/start');
    expect(overloaded).not.to.be.instanceOf(ServerBusyError);
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const { source, failing, succeeding } = attempts(cold, [overloaded]);
      expectObservable(source.pipe(retryOnOverload({ scheduler, random: noJitter }))).toBe('254ms a|', { a: 'ok' });
      expectSubscriptions(failing[0]!.subscriptions).toBe('^-!');
      expectSubscriptions(succeeding.subscriptions).toBe('252ms ^--!');
    });
  });

  it('passes a non-retryable error that follows an overload at once', () => {
    const invalid = new InvalidParamsError(-32602, 'Invalid params');
    const overloaded = busy(1);
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const { source, failing, succeeding } = attempts(cold, [overloaded, invalid]);
      expectObservable(source.pipe(retryOnOverload({ maxAttempts: 5, scheduler, random: noJitter }))).toBe('254ms #', undefined, invalid);
      expectSubscriptions(failing[0]!.subscriptions).toBe('^-!');
      expectSubscriptions(failing[1]!.subscriptions).toBe('252ms ^-!');
      expectSubscriptions(succeeding.subscriptions).toBe([]);
    });
  });

  it('asks isRetryable instead of isRetryableError when given', () => {
    const invalid = new InvalidParamsError(-32602, 'Invalid params');
    const overloaded = busy(1);
    const isRetryable = (error: unknown): boolean => error instanceof InvalidParamsError;
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const { source, failing } = attempts(cold, [invalid, overloaded]);
      expectObservable(source.pipe(retryOnOverload({ isRetryable, scheduler, random: noJitter }))).toBe('254ms #', undefined, overloaded);
      expectSubscriptions(failing[0]!.subscriptions).toBe('^-!');
      expectSubscriptions(failing[1]!.subscriptions).toBe('252ms ^-!');
    });
  });

  it('passes on what each attempt emitted before it failed', () => {
    const overloaded = busy(1);
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('x-#', { x: 'partial' }, overloaded);
      const second = cold('x-y|', { x: 'partial', y: 'whole' });
      let n = 0;
      const source = defer(() => (n++ === 0 ? first : second));
      expectObservable(source.pipe(retryOnOverload({ scheduler, random: noJitter }))).toBe('x 251ms x-y|', { x: 'partial', y: 'whole' });
      expectSubscriptions(first.subscriptions).toBe('^-!');
      expectSubscriptions(second.subscriptions).toBe('252ms ^--!');
    });
  });

  it('does not resubscribe once the consumer has unsubscribed during the backoff', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const { source, failing, succeeding } = attempts(cold, [busy(1), busy(2)]);
      expectObservable(source.pipe(retryOnOverload({ scheduler, random: noJitter })), '^ 100ms !').toBe('');
      expectSubscriptions(failing[0]!.subscriptions).toBe('^-!');
      expectSubscriptions(failing[1]!.subscriptions).toBe([]);
      expectSubscriptions(succeeding.subscriptions).toBe([]);
    });
  });

  it('unsubscribes from a running attempt when the consumer unsubscribes', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const overloaded = busy(1);
      const first = cold<string>('--#', undefined, overloaded);
      const second = cold('-----a|', { a: 'ok' });
      let n = 0;
      const source = defer(() => (n++ === 0 ? first : second));
      expectObservable(source.pipe(retryOnOverload({ scheduler, random: noJitter })), '^ 253ms !').toBe('');
      expectSubscriptions(first.subscriptions).toBe('^-!');
      expectSubscriptions(second.subscriptions).toBe('252ms ^-!');
    });
  });

  // A caller forwarding its own optional settings passes undefined: that must mean the default.
  describe('with options given explicitly as undefined (falls back to the defaults)', () => {
    it('maxAttempts: undefined still allows 3 attempts', () => {
      scheduler.run((helpers) => {
        expectRetries(helpers, {
          failures: 2,
          maxAttempts: 3,
          delays: [250, 500],
          operator: retryOnOverload({ maxAttempts: undefined, scheduler, random: noJitter }),
        });
      });
    });

    it('initialDelayMs / maxDelayMs / jitterRatio: undefined still back off 250ms, then 500ms', () => {
      scheduler.run((helpers) => {
        expectRetries(helpers, {
          failures: 2,
          maxAttempts: 3,
          delays: [250, 500],
          operator: retryOnOverload({ initialDelayMs: undefined, maxDelayMs: undefined, jitterRatio: undefined, scheduler, random: noJitter }),
        });
      });
    });
  });
});

describe('overloadDelayMs', () => {
  const configs = [
    { ...DEFAULT_RETRY_ON_OVERLOAD_CONFIG },
    { initialDelayMs: 100, maxDelayMs: 1_000, jitterRatio: 0.5 },
    { initialDelayMs: 1_000, maxDelayMs: 1_500, jitterRatio: 0 },
    { initialDelayMs: 7, maxDelayMs: 10_000, jitterRatio: 0.1 },
    { initialDelayMs: 333, maxDelayMs: 333, jitterRatio: 0.25 },
  ];

  it('is exactly the base with no jitter: the initial delay, doubling, up to the cap', () => {
    const expected = [250, 500, 1_000, 2_000, 2_000, 2_000, 2_000, 2_000];
    expected.forEach((delay, i) => {
      expect(overloadDelayMs(i + 1, DEFAULT_RETRY_ON_OVERLOAD_CONFIG, noJitter), `retry ${i + 1}`).to.equal(delay);
    });
  });

  it('stays within [base*(1-j), base*(1+j)] for retries 1..6 and many random values, the base doubling up to the cap', () => {
    const random = seededRandom(20_240_601);
    const draws = [0, 1e-9, 0.25, 0.5, 0.75, 0.999999, ...Array.from({ length: 500 }, random)];
    for (const config of configs) {
      let base = config.initialDelayMs;
      let previousBase = 0;
      for (let retryCount = 1; retryCount <= 6; retryCount += 1) {
        expect(base, 'base').to.equal(Math.min(config.maxDelayMs, previousBase === 0 ? config.initialDelayMs : previousBase * 2));
        const low = base * (1 - config.jitterRatio);
        const high = base * (1 + config.jitterRatio);
        let lowest = Infinity;
        let highest = -Infinity;
        for (const r of draws) {
          const delay = overloadDelayMs(retryCount, config, () => r);
          const label = `${JSON.stringify(config)} retry ${retryCount} random ${r}: ${delay}`;
          expect(Number.isInteger(delay), label).to.equal(true);
          expect(delay, label).to.be.at.least(Math.floor(low));
          expect(delay, label).to.be.at.most(Math.ceil(high));
          lowest = Math.min(lowest, delay);
          highest = Math.max(highest, delay);
        }
        // The bounds are reached: random 0 gives the low end, random just under 1 the high end.
        expect(lowest).to.equal(Math.round(low));
        expect(highest).to.equal(Math.round(base * (1 + config.jitterRatio * (2 * 0.999999 - 1))));
        expect(overloadDelayMs(retryCount, config, noJitter)).to.equal(Math.round(base));
        previousBase = base;
        base = Math.min(config.maxDelayMs, base * 2);
      }
    }
  });

  it('grows with the random draw (monotonic in random())', () => {
    const draws = Array.from({ length: 200 }, seededRandom(7)).sort((a, b) => a - b);
    for (let retryCount = 1; retryCount <= 6; retryCount += 1) {
      const delays = draws.map((r) => overloadDelayMs(retryCount, DEFAULT_RETRY_ON_OVERLOAD_CONFIG, () => r));
      for (let i = 1; i < delays.length; i += 1) expect(delays[i]!).to.be.at.least(delays[i - 1]!);
    }
  });

  it('is never negative, even with a jitter ratio above 1', () => {
    expect(overloadDelayMs(1, { initialDelayMs: 100, maxDelayMs: 1_000, jitterRatio: 2 }, () => 0)).to.equal(0);
  });

  it('stays at the cap for very large retry counts', () => {
    expect(overloadDelayMs(2_000, DEFAULT_RETRY_ON_OVERLOAD_CONFIG, noJitter)).to.equal(2_000);
  });

  it('uses Math.random by default, within the bounds', () => {
    for (let i = 0; i < 200; i += 1) {
      const delay = overloadDelayMs(2, DEFAULT_RETRY_ON_OVERLOAD_CONFIG);
      expect(delay).to.be.within(400, 600);
    }
  });

  it('is the delay retryOnOverload waits, retry by retry', () => {
    const random = seededRandom(99);
    const replay = seededRandom(99);
    const delays = [1, 2].map((retryCount) => overloadDelayMs(retryCount, DEFAULT_RETRY_ON_OVERLOAD_CONFIG, replay));
    const scheduler = marbleScheduler({ strictErrors: true });
    scheduler.run((helpers) => {
      expectRetries(helpers, { failures: 3, maxAttempts: 3, delays, operator: retryOnOverload({ scheduler, random }) });
    });
  });
});
