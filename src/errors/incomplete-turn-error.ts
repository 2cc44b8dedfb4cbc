/** A turn's event stream ended without `turn/completed`, so there is no result to give. */
export class IncompleteTurnError extends Error {
  override readonly name = 'IncompleteTurnError';
  constructor(readonly turnId: string | undefined) {
    super(`the events of turn ${turnId ?? '(unknown)'} ended before turn/completed`);
  }
}
