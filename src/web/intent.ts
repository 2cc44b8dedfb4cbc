import type { IncomingServerRequest } from '../browser/index.js';

/**
 * What the person asks of the page: the view turns clicks and keys into these, and the app turns
 * them into requests. The view holds no state; an intent carries all its handler needs.
 *
 * @example
 * const send: Intent = { type: 'send', threadId: 'thr_1', text: 'Run the tests', outputSchema: undefined };
 */
export type Intent =
  | { readonly type: 'open'; readonly threadId: string }
  | { readonly type: 'new'; readonly cwd: string; readonly model: string; readonly effort: string; readonly sandbox: string }
  | { readonly type: 'close'; readonly threadId: string }
  | { readonly type: 'send'; readonly threadId: string; readonly text: string; readonly outputSchema: unknown }
  | { readonly type: 'steer'; readonly threadId: string; readonly turnId: string; readonly text: string }
  | { readonly type: 'interrupt'; readonly threadId: string; readonly turnId: string }
  | { readonly type: 'rename'; readonly threadId: string; readonly name: string }
  | { readonly type: 'archive'; readonly threadId: string }
  | { readonly type: 'answer'; readonly request: IncomingServerRequest; readonly decision: 'accept' | 'acceptForSession' | 'decline' }
  | { readonly type: 'search'; readonly query: string }
  | { readonly type: 'reconnect'; readonly threadIds: readonly string[] };
