import { filter, map, type OperatorFunction } from 'rxjs';
import type { DynamicToolCallOutputContentItem, ThreadItem } from '../protocol/generated/codecs.js';
import type { ServerNotification } from '../protocol/server-notification.js';

/**
 * A client-side tool call as the turn shows it: when it starts (`status: 'inProgress'`), and when
 * it ends (`completed`, or `failed` when it was interrupted or answered with a failure).
 *
 * @example
 * turn.events$.pipe(toolCalls()).subscribe({
 *   next: (call: ToolCall) => console.log(`${call.tool} ${call.status}`, call.success === false ? call.output : ''),
 *   error: console.error,
 * });
 */
export interface ToolCall {
  /** The call's id (`ToolContext.callId`), also the id of its `dynamicToolCall` item. */
  readonly callId: string;
  readonly tool: string;
  readonly namespace: string | null;
  readonly arguments: unknown;
  readonly status: 'inProgress' | 'completed' | 'failed';
  /** Whether the answer said it succeeded; null until it ends (and when it was interrupted). */
  readonly success: boolean | null;
  /** The text the model read: the answer's text items, joined; null until it ends. */
  readonly output: string | null;
  readonly contentItems: readonly DynamicToolCallOutputContentItem[] | null;
  readonly durationMs: number | null;
  /** The item as the server sent it. */
  readonly item: Extract<ThreadItem, { type: 'dynamicToolCall' }>;
}

/**
 * The turn's client-side tool calls (`dynamicToolCall` items), as each starts and as each ends.
 *
 * @example
 * turn.events$.pipe(toolCalls()).subscribe({
 *   next: ({ tool, status, output }) => console.log(`[${tool}] ${status}${output === null ? '' : `: ${output}`}`),
 *   error: console.error,
 * });
 */
export function toolCalls(): OperatorFunction<ServerNotification, ToolCall> {
  return (events$) =>
    events$.pipe(
      filter(
        (event): event is Extract<ServerNotification, { method: 'item/started' | 'item/completed' }> =>
          (event.method === 'item/started' || event.method === 'item/completed') && event.params.item.type === 'dynamicToolCall',
      ),
      map((event) => toolCall(event.params.item as Extract<ThreadItem, { type: 'dynamicToolCall' }>)),
    );
}

function toolCall(item: Extract<ThreadItem, { type: 'dynamicToolCall' }>): ToolCall {
  const contentItems = item.contentItems ?? null;
  const texts = contentItems?.flatMap((content) => (content.type === 'inputText' ? [content.text] : []));
  return {
    callId: item.id,
    tool: item.tool,
    namespace: item.namespace ?? null,
    arguments: item.arguments,
    status: item.status,
    success: item.success ?? null,
    output: texts === undefined ? null : texts.join('\n'),
    contentItems,
    durationMs: item.durationMs ?? null,
    item,
  };
}
