import type * as Api from '@opentelemetry/api';
import type { CodexTelemetry } from './codex-telemetry.js';
import type { TelemetryOption } from './telemetry-config.js';
import { TelemetryUnavailableError } from './telemetry-unavailable-error.js';
import { isReconstructed } from '../turns/is-reconstructed.js';

/**
 * Loads the telemetry of a client, worker or producer when its option asks for it, and nothing
 * otherwise: `@opentelemetry/api` and the code that uses it are imported here, on first use, so
 * that a program without telemetry never loads them. Fails with `TelemetryUnavailableError` when
 * the package is missing.
 *
 * @example
 * import { NEVER } from 'rxjs';
 *
 * const telemetry = await loadTelemetry({ captureContent: false });
 * telemetry?.attach(connection, connection.notifications$, NEVER);
 */
// Named through a constant so that bundlers leave the optional peer out of every graph (a bundle
// made without it installed would otherwise fail to build); a page passes `loadApi` instead.
const OPENTELEMETRY_API = '@opentelemetry/api';

export async function loadTelemetry(option: TelemetryOption | undefined): Promise<CodexTelemetry | undefined> {
  if (option === undefined || option === false) return undefined;
  const config = option === true ? {} : option;
  let loaded: unknown;
  try {
    loaded = await (config.loadApi?.() ?? import(/* webpackIgnore: true */ /* @vite-ignore */ OPENTELEMETRY_API));
  } catch (error) {
    throw new TelemetryUnavailableError({ cause: error });
  }
  // The api's CommonJS build may arrive as a default export only.
  const module = loaded as Partial<typeof Api> & { readonly default?: typeof Api };
  const api = (module.trace === undefined ? module.default : module) as typeof Api | undefined;
  if (api?.trace === undefined) throw new TelemetryUnavailableError();
  const { CodexTelemetry: Telemetry } = await import('./codex-telemetry.js');
  // The reconciler's marks are read through this module's import: where the dynamically imported
  // module gets module instances of its own (a loader that compiles static imports to require, as
  // tsx does), its own import would read another, empty set of marks.
  return new Telemetry(api, config, isReconstructed);
}
