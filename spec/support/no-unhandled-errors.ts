import { expect } from 'chai';

/**
 * Collects unhandled rejections and uncaught exceptions while a block of specs runs, so a spec can
 * assert that faults reached the caller as typed errors and nowhere else.
 *
 * Mocha installs its own `uncaughtException` handler; this one is added beside it and removed
 * afterwards, and `unhandledRejection` is watched the same way.
 */
export class UnhandledErrorWatch {
  readonly errors: unknown[] = [];
  private readonly onRejection = (reason: unknown) => this.errors.push(reason);
  private readonly onException = (error: unknown) => this.errors.push(error);

  start(): void {
    process.on('unhandledRejection', this.onRejection);
    process.on('uncaughtException', this.onException);
  }

  stop(): void {
    process.off('unhandledRejection', this.onRejection);
    process.off('uncaughtException', this.onException);
  }
}

/**
 * Registers hooks on the enclosing `describe`: each spec runs under a watch, and fails if anything
 * went unhandled during it (after the fault's timers have had time to run).
 */
export function expectNoUnhandledErrors(): void {
  const watch = new UnhandledErrorWatch();
  beforeEach(() => watch.start());
  afterEach(async () => {
    await settle();
    watch.stop();
    expect(watch.errors, 'unhandled rejections or uncaught exceptions').to.deep.equal([]);
  });
}

/** Waits long enough for timers and microtasks scheduled by a fault to run. */
export function settle(ms = 50): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
