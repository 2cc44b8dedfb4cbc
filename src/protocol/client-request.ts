import type { ClientRequestMap } from './generated/methods.js';

/** A method the client may call, as of the pinned protocol. */
export type ClientRequestMethod = keyof ClientRequestMap;

/** The params of a client request method. */
export type ParamsOf<M extends ClientRequestMethod> = ClientRequestMap[M]['params'];

/** The result of a client request method. */
export type ResultOf<M extends ClientRequestMethod> = ClientRequestMap[M]['result'];

/**
 * The params argument of `request(method, params)`: required where the method needs params,
 * optional where it takes none or accepts null.
 */
export type ParamsArgument<M extends ClientRequestMethod> = undefined extends ParamsOf<M>
  ? [params?: ParamsOf<M>]
  : [params: ParamsOf<M>];
