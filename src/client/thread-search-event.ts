import type { ThreadSearchResponse, ThreadSearchResult } from '../protocol/generated/codecs.js';

/**
 * What `codex.threadSearch$` emits: provisional rows as the server finds them (best effort: some
 * may be dropped or fall outside the final page), then the authoritative final page, which
 * replaces them.
 *
 * @example
 * codex.threadSearch$('flaky test').subscribe((event: ThreadSearchEvent) => {
 *   if (event.type === 'partial') event.data.forEach((row) => console.log('…', row.thread.id, row.snippet));
 *   else console.log(`${event.result.data.length} threads`);
 * });
 */
export type ThreadSearchEvent =
  | { readonly type: 'partial'; readonly data: readonly ThreadSearchResult[] }
  | { readonly type: 'final'; readonly result: ThreadSearchResponse };
