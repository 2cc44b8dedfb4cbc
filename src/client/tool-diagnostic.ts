import type { SchemaIssue } from '../schema/schema-issue.js';

/**
 * What the client did with a tool call that the model will read as a failure, reported on
 * `codex.diagnostics$`: arguments that did not fit the schema (the issues went to the model), a
 * tool that threw (the error stays here; the model is told only that it failed, or a `ToolError`'s
 * message), a call that timed out, and a call for a tool this client has no handler for, answered
 * after the grace (`toolCallGraceMs`).
 *
 * @example
 * codex.diagnostics$.subscribe((diagnostic) => {
 *   if (diagnostic.kind === 'tool-failed') console.error(`tool ${diagnostic.tool} failed`, diagnostic.error);
 * });
 */
export type ToolDiagnostic = {
  readonly threadId: string;
  readonly turnId: string;
  readonly callId: string;
  /** The tool's name, `namespace/name` for a namespaced one. */
  readonly tool: string;
  readonly message: string;
} & (
  | { readonly kind: 'tool-arguments-invalid'; readonly issues: readonly SchemaIssue[] }
  | { readonly kind: 'tool-failed'; readonly error: unknown }
  | { readonly kind: 'tool-timeout'; readonly timeoutMs: number }
  | { readonly kind: 'tool-call-unhandled'; readonly graceMs: number }
);
