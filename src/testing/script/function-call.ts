import type { FunctionCallOptions } from './function-call-options.js';
import { nextId } from './ids.js';
import type { EventStep } from './response-script.js';

/**
 * The model calling one of the server's tools by name, with JSON arguments. The server runs the
 * tool and then sends a new request whose `input` ends with the call and a
 * `function_call_output` for the same `call_id`, so script a second response for that
 * follow-up request.
 *
 * @example
 * mock.enqueue(
 *   response(functionCall('exec_command', { cmd: 'ls', workdir: 'src' }, { callId: 'call_ls' })),
 *   response(assistantMessage('Listed.')),
 * );
 */
export function functionCall(
  name: string,
  args: Readonly<Record<string, unknown>> | string,
  options: FunctionCallOptions = {},
): EventStep[] {
  const item = {
    type: 'function_call',
    id: options.id ?? nextId('fc'),
    call_id: options.callId ?? nextId('call'),
    name,
    // The Responses API sends arguments as a JSON-encoded string, not as an object.
    arguments: typeof args === 'string' ? args : JSON.stringify(args),
    status: 'completed',
  };
  return [{ kind: 'event', event: { type: 'response.output_item.done', item } }];
}
