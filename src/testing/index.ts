// codex-rx/testing: run your code against the real app-server with a scripted model.
// This file only re-exports.

/**
 * Runs your code against the real, pinned `codex app-server`, offline: the model is a scripted
 * mock of the Responses API, so turns, streaming, commands, approvals and failures happen for
 * real while their content is whatever the test queued.
 *
 * @example
 * await using scripted = await startScriptedCodex();
 * scripted.mock.enqueue(response(deltas(['Hel', 'lo'])));
 * const thread = await scripted.codex.threadStart();
 * const result = await thread.run('hi'); // result.finalResponse === 'Hello'
 *
 * @module codex-rx/testing
 */

export { startScriptedCodex, type ScriptedCodex, type ScriptedCodexOptions } from './scripted-codex.js';
export { startListeningAppServer, type ListeningAppServer, type ListeningAppServerOptions } from './listening-app-server.js';
export { AppServerHarness, type AppServerHarnessOptions } from './app-server-harness.js';
export {
  MockResponsesServer,
  type MockResponsesServerOptions,
  type RequestMatcher,
  type WhenEmpty,
} from './mock-responses-server.js';
export { RecordedRequest } from './recorded-request.js';
export { Gate } from './gate.js';
export type { TomlTable, TomlValue } from './toml.js';

// Scripting the model's answers
export { response } from './script/response.js';
export { rawResponse } from './script/raw-response.js';
export { assistantMessage } from './script/assistant-message.js';
export type { AssistantMessageOptions } from './script/assistant-message-options.js';
export { deltas, type DeltasOptions } from './script/deltas.js';
export { functionCall } from './script/function-call.js';
export type { FunctionCallOptions } from './script/function-call-options.js';
export { execCommand, type ExecCommandArguments } from './script/exec-command.js';
export { failed, type FailedOptions } from './script/failed.js';
export { httpError } from './script/http-error.js';
export { usage } from './script/usage.js';
export { delay } from './script/delay.js';
export { gate } from './script/gate.js';
export { event } from './script/event.js';
export type { MessagePhase } from './script/message-phase.js';
export type {
  DelayStep,
  EventStep,
  HttpErrorResponseScript,
  ResponseEvent,
  ResponseScript,
  ScriptPart,
  ScriptStep,
  SseResponseScript,
  TokenUsage,
  UsagePart,
} from './script/response-script.js';
