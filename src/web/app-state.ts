import type { ConnectionStatus, protocol, ThreadSearchEvent } from '../browser/index.js';
import type { PaneState } from './pane-state.js';

/** What the page shows: the connection, the sidebar and the open panes. Produced only by `reduceApp`. */
export interface AppState {
  readonly connection: ConnectionStatus;
  /** Recent threads, newest first (`thread/list`). */
  readonly threads: readonly protocol.Thread[];
  /** The search under way or done: its rows so far, and whether the final page has replaced them. */
  readonly search: { readonly query: string; readonly rows: readonly protocol.ThreadSearchResult[]; readonly final: boolean } | null;
  /** The models the server offers (`model/list`). */
  readonly models: readonly protocol.Model[];
  /** The open threads' panes, in the order they were opened. */
  readonly panes: readonly PaneState[];
  /** Something that went wrong outside any pane. */
  readonly notice: string | null;
}

/** Everything that changes the page. */
export type AppEvent =
  | { readonly type: 'connection'; readonly status: ConnectionStatus }
  | { readonly type: 'threads'; readonly threads: readonly protocol.Thread[] }
  | { readonly type: 'search'; readonly query: string; readonly event: ThreadSearchEvent | null }
  | { readonly type: 'models'; readonly models: readonly protocol.Model[] }
  | { readonly type: 'pane'; readonly pane: PaneState }
  | { readonly type: 'pane-closed'; readonly threadId: string }
  | { readonly type: 'notice'; readonly message: string | null };

/**
 * The page before anything is known.
 *
 * @example
 * const first: AppState = INITIAL_APP_STATE;
 */
export const INITIAL_APP_STATE: AppState = { connection: { state: 'connecting' }, threads: [], search: null, models: [], panes: [], notice: null };

/**
 * The page's next state after one event. Pure; what did not change keeps its identity.
 *
 * @example
 * import { scan, type Observable } from 'rxjs';
 *
 * declare const appEvents$: Observable<AppEvent>;
 * const state$ = appEvents$.pipe(scan(reduceApp, INITIAL_APP_STATE));
 */
export function reduceApp(state: AppState, event: AppEvent): AppState {
  switch (event.type) {
    case 'connection':
      return { ...state, connection: event.status };
    case 'threads':
      return { ...state, threads: event.threads };
    case 'models':
      return { ...state, models: event.models };
    case 'search': {
      if (event.query === '') return { ...state, search: null };
      const rows = event.event === null ? [] : event.event.type === 'final' ? event.event.result.data : [...(state.search?.query === event.query ? state.search.rows : []), ...event.event.data];
      return { ...state, search: { query: event.query, rows, final: event.event?.type === 'final' } };
    }
    case 'pane': {
      const index = state.panes.findIndex((pane) => pane.threadId === event.pane.threadId);
      const panes = index === -1 ? [...state.panes, event.pane] : state.panes.map((pane, at) => (at === index ? event.pane : pane));
      return { ...state, panes };
    }
    case 'pane-closed':
      return { ...state, panes: state.panes.filter((pane) => pane.threadId !== event.threadId) };
    case 'notice':
      return { ...state, notice: event.message };
  }
}
