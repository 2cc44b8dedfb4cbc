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
 * const parentContext = explicitParent() ?? api.context.active();
 */
export function explicitParent(): Context | undefined {
  return parent;
}

/**
 * Sets (or clears) the explicit parent; `withParent` restores the previous one after its callback.
 *
 * @example
 * const previous = explicitParent();
 * setExplicitParent(jobContext);
 * try { start(); } finally { setExplicitParent(previous); }
 */
export function setExplicitParent(context: Context | undefined): void {
  parent = context;
}
