// What `codex-rx` and `codex-rx/browser` both export: the public API that runs in Node and in
// browsers alike. Each entry re-exports it whole and adds what is its own. This file only re-exports.

// Client
export { Codex, type ThreadOptions, type ThreadStartOptions } from './codex.js';
export { DEFAULT_TURN_STALL_TIMEOUT_MS, type CodexConfig, type RemoteServer } from './codex-config.js';
export type { DefaultTransport } from './default-transport.js';
export { Thread } from './thread.js';
export type { GoalSettings } from './goal-settings.js';
export type { ThreadSearchEvent } from './thread-search-event.js';
export { TurnHandle, type TurnLimits } from './turn-handle.js';
export type { OutputTurnOptions, TurnOptions } from './turn-options.js';
export type { TurnResult } from '../turns/turn-result.js';
export type { TypedTurnResult } from '../turns/typed-turn-result.js';
export { Sandbox } from './sandbox.js';
export { ApprovalMode, type ApprovalSettings } from './approval-mode.js';
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
} from './run-input.js';
export { ChatgptLoginHandle, DeviceCodeLoginHandle, LoginHandle } from './login-handle.js';
export { serverMetadata, MissingServerMetadataError, type ServerMetadata } from './server-metadata.js';
export { ServerVersionMismatchError, versionMismatchMessage } from './server-version-mismatch-error.js';
export type { ConnectionDiagnostic, RequestOptions } from '../connection/rpc-connection.js';
export type { RpcConnectionConfig } from '../connection/rpc-connection-config.js';
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
export { failSafeServerRequestAnswer } from '../connection/fail-safe-server-request-answer.js';

// Operators
export type { TurnRouterConfig } from '../turns/turn-router-config.js';
export type { TurnDiagnostic } from '../turns/turn-diagnostic.js';
export type { CodexDiagnostic } from './codex-diagnostic.js';
export { toTurnResult, type ToTurnResultConfig } from '../turns/to-turn-result.js';
export { retryOnOverload, type RetryOnOverloadConfig } from '../operators/retry-on-overload.js';
export { isRetryableError } from '../operators/is-retryable-error.js';
export { answerServerRequests } from '../operators/answer-server-requests.js';
export { toAsyncIterable } from '../operators/to-async-iterable.js';
export { agentTextDeltas } from '../operators/agent-text-deltas.js';
export { completedItems } from '../operators/completed-items.js';
export { itemsOfType, type ItemOfType } from '../operators/items-of-type.js';
export { commandOutput, type CommandOutputChunk } from '../operators/command-output.js';
export { ofMethod } from '../operators/of-method.js';
export { finalResponse } from '../turns/final-response.js';
export type { TurnEvent } from '../turns/turn-event.js';

// Schemas: output and tool arguments, from any Standard Schema validator, io-ts or JSON Schema
export type { JsonSchemaObject } from '../schema/json-schema-object.js';
export type { SchemaInput, SchemaOutput, SchemaWithJsonSchema, StandardJsonSchemaValidator } from '../schema/schema-input.js';
export type { SchemaIssue } from '../schema/schema-issue.js';
export type { SchemaValidation } from '../schema/schema-validation.js';
export type { ResolvedSchema } from '../schema/resolved-schema.js';
export { resolveSchema } from '../schema/resolve-schema.js';
export { SchemaError, type SchemaViolation } from '../schema/schema-error.js';
export { checkStrictJsonSchema } from '../schema/check-strict-json-schema.js';
export { strictJsonSchemaViolations } from '../schema/strict-json-schema-violations.js';
export { formatSchemaIssues } from '../schema/format-schema-issues.js';
export { jsonSchemaIssues } from '../schema/json-schema-issues.js';
export { jsonPath } from '../schema/json-path.js';
export type { DeepPartial } from '../schema/deep-partial.js';
export { PartialJsonParser, PartialJsonError } from '../schema/partial-json-parser.js';
export { partialOutput } from '../operators/partial-output.js';
export { validateOutput } from '../turns/validate-output.js';

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

// Errors
export {
  JsonRpcError,
  ParseError,
  InvalidRequestError,
  MethodNotFoundError,
  InvalidParamsError,
  InternalRpcError,
  ServerBusyError,
} from '../jsonrpc/json-rpc-error.js';
export { TransportClosedError, type TransportClosedDetails } from '../errors/transport-closed-error.js';
export { AuthenticationError } from '../errors/authentication-error.js';
export { ThreadWriterConflictError } from '../errors/thread-writer-conflict-error.js';
export { ConnectionLostError } from '../errors/connection-lost-error.js';
export { EphemeralThreadLostError } from '../errors/ephemeral-thread-lost-error.js';
export { DecodeError } from '../errors/decode-error.js';
export { RequestTimeoutError } from '../errors/request-timeout-error.js';
export { ConnectionStateError } from '../errors/connection-state-error.js';
export { TurnFailedError } from '../turns/turn-failed-error.js';
export { OutputValidationError } from '../turns/output-validation-error.js';
export { IncompleteTurnError } from '../turns/incomplete-turn-error.js';
export { TurnStalledError } from '../turns/turn-stalled-error.js';
export { ThreadBusyError } from '../turns/thread-busy-error.js';
export { TurnGoneError } from '../turns/turn-gone-error.js';

// Client-side tools
export { tool, type Tool, type ToolDefinition } from './tool.js';
export { toolNamespace, type ToolNamespace } from './tool-namespace.js';
export type { ToolSet } from './tool-set.js';
export type { AnyTool } from './any-tool.js';
export type { ToolContext } from './tool-context.js';
export type { ToolOutput } from './tool-output.js';
export { DEFAULT_TOOL_CALL_CONFIG, type ToolCallConfig } from './tool-call-config.js';
export type { ToolDiagnostic } from './tool-diagnostic.js';
export { ToolError } from '../errors/tool-error.js';
export { toolCalls, type ToolCall } from '../operators/tool-calls.js';

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
export type { ClientRequestMethod, ParamsOf, ResultOf } from '../protocol/client-request.js';
export type { NotificationOf, ServerNotification, ServerNotificationMethod } from '../protocol/server-notification.js';
export type { UntypedNotification } from '../protocol/untyped-notification.js';
export { generatedFrom } from '../protocol/generated/generated-from.js';

// Reconnecting
export type { ConnectionStatus } from '../transport/connection-status.js';
export { DEFAULT_RECONNECT_CONFIG, type ReconnectConfig } from '../transport/reconnect-config.js';
export type { ReconnectDiagnostic } from '../transport/reconnect-diagnostic.js';
export { isReconstructed } from '../turns/is-reconstructed.js';

// Telemetry: OpenTelemetry traces and metrics, loaded only when configured
export {
  DEFAULT_TELEMETRY_CONFIG,
  type MeterProviderLike,
  type TelemetryConfig,
  type TelemetryOption,
  type TracerProviderLike,
} from '../telemetry/telemetry-config.js';
export { TelemetryUnavailableError } from '../telemetry/telemetry-unavailable-error.js';
export type { StallCheckOutcome } from '../telemetry/turn-telemetry.js';
