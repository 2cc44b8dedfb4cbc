import { Observable, type OperatorFunction } from 'rxjs';
import type { ServerNotification } from '../protocol/server-notification.js';
import type { DeepPartial } from '../schema/deep-partial.js';
import { PartialJsonParser } from '../schema/partial-json-parser.js';
import type { ResolvedSchema } from '../schema/resolved-schema.js';
import { TurnResultBuilder } from '../turns/turn-result-builder.js';
import { validateOutput } from '../turns/validate-output.js';

/**
 * A turn's structured output as it streams: deep-partial values parsed incrementally from the
 * final answer's deltas (each delta costs its own length; see `PartialJsonParser`), then the
 * validated value once the turn completes. Errors with `OutputValidationError` when the final
 * answer is missing, not JSON or invalid, and with `TurnFailedError` when the turn failed.
 *
 * Only a message that can be the final answer is parsed, as `finalResponse` chooses it: one in
 * the `final_answer` phase, else one without a phase; `commentary` (and any other phase) never.
 * The phase is known when the message starts (`item/started`). Once a `final_answer` message
 * has started, messages without a phase are ignored; a later candidate message replaces the one
 * before, and its partial values start over. Each partial is a new object that extends the one
 * before (complete values are shared between them); nothing is emitted for a delta that adds no
 * value (whitespace, half an escape, a number not yet ended). A partial copies the containers
 * still open, so while they hold more entries than about four times the text that came since the
 * last partial, deltas are gathered into the next one: emitting costs at most four times the
 * text's length in all (see `PartialJsonParser.snapshotDue`); the final value is always emitted.
 *
 * @example
 * import { z } from 'zod';
 *
 * const Review = resolveSchema(z.object({ verdict: z.string(), findings: z.array(z.string()) }));
 * turn.events$.pipe(partialOutput(Review)).subscribe({ next: (soFar) => render(soFar.findings ?? []), error: console.error });
 * declare function render(findings: (string | undefined)[]): void;
 */
export function partialOutput<T>(schema: ResolvedSchema<T>): OperatorFunction<ServerNotification, DeepPartial<T>> {
  return (events$) =>
    new Observable<DeepPartial<T>>((subscriber) => {
      const builder = new TurnResultBuilder();
      let parser: PartialJsonParser | undefined;
      let messageId: string | undefined;
      let finalPhaseSeen = false;
      const subscription = events$.subscribe({
        next: (event) => {
          try {
            builder.add(event);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          if (event.method === 'item/started') {
            const item = event.params.item;
            if (item.type !== 'agentMessage') return;
            const phase = item.phase ?? null;
            if (phase === 'final_answer') finalPhaseSeen = true;
            else if (phase !== null || finalPhaseSeen) return;
            messageId = item.id;
            parser = new PartialJsonParser();
          } else if (event.method === 'item/agentMessage/delta') {
            if (parser === undefined || event.params.itemId !== messageId) return;
            // Text that is not JSON yields no partials; the end reports it with the whole text.
            if (!parser.push(event.params.delta) || !parser.snapshotDue) return;
            const partial = parser.snapshot();
            if (partial !== undefined) subscriber.next(partial as DeepPartial<T>);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          let result;
          try {
            result = builder.result(true);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          validateOutput(result, schema).then(
            (typed) => {
              subscriber.next(typed.output as DeepPartial<T>);
              subscriber.complete();
            },
            (error: unknown) => subscriber.error(error),
          );
        },
      });
      return subscription;
    });
}
