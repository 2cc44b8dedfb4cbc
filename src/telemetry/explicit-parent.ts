import type { Context } from '@opentelemetry/api';

/**
 * The parent given to `CodexTelemetry.withParent` while its callback runs. A turn's span is
 * started synchronously when the turn is asked for, so a slot read at that moment parents it even
 * where no context manager is registered (without one, `context.with` changes nothing in Node).
 */
let parent: Context | undefined;

/**
 * The parent set by the innermost running `withParent`, if any.
 *
 * @example
 * import { context } from '@opentelemetry/api';
 *
 * const parentContext = explicitParent() ?? context.active();
 */
export function explicitParent(): Context | undefined {
  return parent;
}

/**
 * Sets (or clears) the explicit parent; `withParent` restores the previous one after its callback.
 *
 * @example
 * import { ROOT_CONTEXT } from '@opentelemetry/api';
 *
 * const previous = explicitParent();
 * setExplicitParent(ROOT_CONTEXT);
 * try { console.log('turns asked for now are roots'); } finally { setExplicitParent(previous); }
 */
export function setExplicitParent(context: Context | undefined): void {
  parent = context;
}
