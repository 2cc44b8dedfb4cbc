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

// Client
export { Codex, type ThreadOptions, type ThreadStartOptions } from '../client/codex.js';
export type { CodexConfig, RemoteServer } from '../client/codex-config.js';
export type { DefaultTransport } from '../client/default-transport.js';
export { browserTransport, RELAY_SOCKET_PATH } from './browser-transport.js';
export { Thread } from '../client/thread.js';
export { TurnHandle } from '../client/turn-handle.js';
export type { TurnOptions } from '../client/turn-options.js';
export type { TurnResult } from '../turns/turn-result.js';
export { Sandbox } from '../client/sandbox.js';
export { ApprovalMode, type ApprovalSettings } from '../client/approval-mode.js';
export {
  inputs,
  toUserInput,
  type ImageInput,
  type Input,
  type InputItem,
  type LocalImageInput,
  type MentionInput,
  type RunInput,
  type SkillInput,
  type TextInput,
} from '../client/run-input.js';
export { ChatgptLoginHandle, DeviceCodeLoginHandle, LoginHandle } from '../client/login-handle.js';
export { serverMetadata, MissingServerMetadataError, type ServerMetadata } from '../client/server-metadata.js';
export {
  RpcConnection,
  type ConnectionDiagnostic,
  type ConnectionState,
  type RequestOptions,
} from '../connection/rpc-connection.js';
export { DEFAULT_RPC_CONNECTION_CONFIG, type RpcConnectionConfig } from '../connection/rpc-connection-config.js';
export type {
  Answer,
  IncomingServerRequest,
  IncomingServerRequestOf,
  ServerRequestHandler,
  ServerRequestHandlers,
  ServerRequestMethod,
  ServerRequestResult,
} from '../connection/server-request.js';
export { defaultServerRequestAnswer, type DefaultAnswer } from '../connection/default-server-request-answers.js';

// Operators
export { TurnRouter } from '../turns/turn-router.js';
export { toTurnResult, type ToTurnResultConfig } from '../turns/to-turn-result.js';
export {
  retryOnOverload,
  overloadDelayMs,
  DEFAULT_RETRY_ON_OVERLOAD_CONFIG,
  type RetryOnOverloadConfig,
} from '../operators/retry-on-overload.js';
export { isRetryableError } from '../operators/is-retryable-error.js';
export { agentTextDeltas } from '../operators/agent-text-deltas.js';
export { completedItems } from '../operators/completed-items.js';
export { itemsOfType, type ItemOfType } from '../operators/items-of-type.js';
export { commandOutput, type CommandOutputChunk } from '../operators/command-output.js';
export { ofMethod } from '../operators/of-method.js';
export { finalResponse } from '../turns/final-response.js';
export { turnIdOf, type TurnEvent } from '../turns/turn-event.js';

// Transports
export type { Transport } from '../transport/transport.js';
export type { TransportDiagnostic } from '../transport/transport-diagnostic.js';
export type {
  JsonRpcErrorObject,
  JsonRpcFailure,
  JsonRpcMessage,
  JsonRpcNotification,
  JsonRpcRequest,
  JsonRpcSuccess,
  RequestId,
} from '../jsonrpc/json-rpc-message.js';
export { BrowserWebSocketTransport, type BrowserWebSocketTransportOptions, type StandardWebSocket } from '../transport/browser-websocket-transport.js';
export { decodeFrame } from '../transport/decode-frame.js';

// Errors
export {
  JsonRpcError,
  ParseError,
  InvalidRequestError,
  MethodNotFoundError,
  InvalidParamsError,
  InternalRpcError,
  ServerBusyError,
  jsonRpcErrorFrom,
} from '../jsonrpc/json-rpc-error.js';
export { TransportClosedError, type TransportClosedDetails } from '../errors/transport-closed-error.js';
export { AuthenticationError } from '../errors/authentication-error.js';
export { DecodeError } from '../errors/decode-error.js';
export { RequestTimeoutError } from '../errors/request-timeout-error.js';
export { ConnectionStateError } from '../errors/connection-state-error.js';
export { ConnectionLostError } from '../errors/connection-lost-error.js';
export type { ConnectionStatus } from '../transport/connection-status.js';
export { DEFAULT_RECONNECT_CONFIG, type ReconnectConfig } from '../transport/reconnect-config.js';
export type { ReconnectDiagnostic } from '../transport/reconnect-diagnostic.js';
export { isReconstructed } from '../turns/is-reconstructed.js';
export { TurnFailedError } from '../turns/turn-failed-error.js';
export { IncompleteTurnError } from '../turns/incomplete-turn-error.js';

// Protocol: every generated codec and type, and the method maps
/**
 * Every codec and type generated from the pinned runtime's JSON Schema. Each name is both an
 * io-ts codec (a value: `decode`, `is`) and the static type of what it decodes.
 *
 * @example
 * import { protocol } from 'codex-rx';
 *
 * const commands: protocol.ThreadItem[] = result.items.filter((item) => item.type === 'commandExecution');
 * protocol.ThreadItem.is(commands[0]); // true
 * protocol.TurnStatus.decode('completed'); // Right('completed')
 */
export * as protocol from '../protocol/generated/codecs.js';
export type {
  ClientNotificationMap,
  ClientRequestMap,
  ServerNotificationMap,
  ServerRequestMap,
} from '../protocol/generated/methods.js';
export {
  clientRequestCodecs,
  serverNotificationCodecs,
  serverRequestCodecs,
} from '../protocol/generated/methods.js';
export type { ClientRequestMethod, ParamsArgument, ParamsOf, ResultOf } from '../protocol/client-request.js';
export type { NotificationOf, ServerNotification, ServerNotificationMethod } from '../protocol/server-notification.js';
export type { UntypedNotification } from '../protocol/untyped-notification.js';
export { validationReport } from '../protocol/validation-report.js';
