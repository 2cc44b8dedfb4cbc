// codex-rx/relay: the relay that lets browsers reach the app-server, and the web UI. This file only re-exports.

/**
 * A WebSocket relay for browsers (which the app-server refuses: it answers 403 to any `Origin`),
 * to embed in a Node HTTP server, and the web UI it can serve. `codex-rx relay` and `codex-rx web`
 * run it from the command line.
 *
 * @example
 * import { createServer } from 'node:http';
 *
 * const server = createServer();
 * const relay = createRelay(server, { page: await webPage(), extraMethods: WEB_UI_METHODS, stateDir: '/var/lib/codex-rx' });
 * server.listen(8765, '127.0.0.1', () => console.log(`open ${relay.loginUrl('http://127.0.0.1:8765')}`));
 *
 * @module codex-rx/relay
 */

export { createRelay, REFUSED_METHOD_CODE, SLOW_BROWSER_CLOSE_CODE, UPSTREAM_CLOSED_CLOSE_CODE } from './create-relay.js';
export type { Relay } from './relay.js';
export { REFUSED_PARAM_CODE } from './relay-param-policy.js';
export { CHAT_UI_METHODS, DEFAULT_RELAY_OPTIONS, type RelayOptions } from './relay-options.js';
export { webPage } from '../web/web-page.js';
export { WEB_UI_METHODS } from '../web/web-ui-methods.js';
