/**
 * A point in a scripted response where the mock model stops streaming until the test says so.
 *
 * The mock writes every event before the gate, then holds the HTTP response open: the turn
 * is visibly in progress (deltas already rendered, no `turn/completed`) for as long as the test
 * needs to steer or interrupt it. `reached` tells the test that the server has got that far;
 * `open()` lets the rest of the response through. A gate opens once and stays open, so a
 * script replayed later (or a gate shared by two responses) never blocks again.
 *
 * @example
 * const hold = gate();
 * mock.enqueue(response(deltas(['Working']), hold, deltas([' done'])));
 * // … start the turn …
 * await hold.reached;          // the first delta has been sent
 * await turn.interrupt();      // or steer, inspect state, …
 * hold.open();
 */
export class Gate {
  /** Tells script steps apart without `instanceof`, which breaks across duplicated packages. */
  readonly kind = 'gate' as const;
  /**
   * Resolves when a response being played arrives at this gate, i.e. the mock has written the
   * events before it. The app-server may still be turning those into notifications: to act on
   * what the client has seen, wait for the notification itself.
   */
  readonly reached: Promise<void>;
  /** Resolves when `open()` is called. */
  readonly opened: Promise<void>;

  private markReached!: () => void;
  private markOpened!: () => void;
  private reachedFlag = false;
  private openFlag = false;

  /** @param label Shown in timeout messages, to tell several gates of one test apart. */
  constructor(readonly label = 'gate') {
    this.reached = new Promise<void>((resolve) => (this.markReached = resolve));
    this.opened = new Promise<void>((resolve) => (this.markOpened = resolve));
  }

  /** Whether a response has arrived at this gate. */
  get isReached(): boolean {
    return this.reachedFlag;
  }

  /** Whether `open()` has been called. */
  get isOpen(): boolean {
    return this.openFlag;
  }

  /** Lets every response held at this gate (now or later) continue. Idempotent. */
  open(): void {
    this.openFlag = true;
    this.markOpened();
  }

  /**
   * Waits until a response arrives at this gate, failing after `timeoutMs` so a test whose
   * turn never got that far reports where it stopped instead of hanging until mocha's timeout.
   */
  async waitUntilReached(timeoutMs = 5_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.label} was not reached within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.reached, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** @internal Called by the mock server when playback arrives here. */
  notifyReached(): void {
    this.reachedFlag = true;
    this.markReached();
  }
}
