import type { ClientRequestMap } from './generated/methods.js';

/**
 * A method the client may call, as of the pinned protocol.
 *
 * @example
 * const method: ClientRequestMethod = 'thread/list';
 * const page = await codex.request(method, { limit: 10 });
 */
export type ClientRequestMethod = keyof ClientRequestMap;

/**
 * The params of a client request method.
 *
 * @example
 * const params: ParamsOf<'thread/list'> = { limit: 10, archived: false };
 * await codex.request('thread/list', params);
 */
export type ParamsOf<M extends ClientRequestMethod> = ClientRequestMap[M]['params'];

/**
 * The result of a client request method.
 *
 * @example
 * const page: ResultOf<'thread/list'> = await codex.request('thread/list', { limit: 10 });
 * console.log(page.data.map((thread) => thread.id));
 */
export type ResultOf<M extends ClientRequestMethod> = ClientRequestMap[M]['result'];

/**
 * The params argument of `request(method, params)`: required where the method needs params,
 * optional where it takes none or accepts null.
 *
 * @example
 * await codex.request('account/logout'); // ParamsArgument<'account/logout'>: [params?: …]
 * await codex.request('thread/start', {}); // ParamsArgument<'thread/start'>: [params: ThreadStartParams]
 */
export type ParamsArgument<M extends ClientRequestMethod> = undefined extends ParamsOf<M>
  ? [params?: ParamsOf<M>]
  : [params: ParamsOf<M>];
