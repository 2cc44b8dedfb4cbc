/**
 * What the web UI calls on top of the relay's chat methods: search, goals, and the stored turns a
 * reconnecting client reads to finish the turns that crossed a drop. `codex-rx web` allows them.
 *
 * @example
 * import { createServer } from 'node:http';
 *
 * createRelay(createServer(), { extraMethods: WEB_UI_METHODS, page: await webPage() });
 */
export const WEB_UI_METHODS: readonly string[] = [
  'thread/search/stream',
  'thread/search/stream/cancel',
  'thread/goal/get',
  'thread/turns/list',
];
