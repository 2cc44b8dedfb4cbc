// codex-rx/browser: the public API for browsers. This file only re-exports.

/**
 * codex-rx for browsers: the same `Codex`, `Thread`, `TurnHandle`, operators, errors and generated
 * protocol as `codex-rx`, over the standard `WebSocket` API, with nothing from Node in its import
 * graph. A browser reaches the app-server through the codex-rx relay (`codex-rx relay`), since the
 * server refuses any request that carries an `Origin`.
 *
 * @example
 * const codex = await Codex.connect();                   // the relay that served this page
 * const thread = await codex.threadStart();
 * thread.run$('Say hello').subscribe((result) => console.log(result.finalResponse));
 *
 * @module codex-rx/browser
 */

export * from '../client/portable-api.js';
export * from '../client/portable-plumbing.js';
export { browserTransport, RELAY_SOCKET_PATH } from './browser-transport.js';
