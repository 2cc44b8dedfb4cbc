import type { DynamicToolCallOutputContentItem } from '../protocol/generated/codecs.js';

/**
 * What a tool answers with. A string becomes one `inputText` item; a content item (`inputText`,
 * `inputImage` with an http(s) or `data:` URL, `inputAudio`) or an array of them is sent as is;
 * `undefined` sends an empty text; any other value is sent as its JSON text.
 *
 * @example
 * const answers: ToolOutput[] = [
 *   'It is sunny',
 *   { type: 'inputImage', imageUrl: 'data:image/png;base64,iVBORw0KGgo=' },
 *   [{ type: 'inputText', text: 'The chart:' }, { type: 'inputImage', imageUrl: 'https://example.com/chart.png' }],
 *   { temperature: 21, unit: 'C' },
 * ];
 */
export type ToolOutput = string | DynamicToolCallOutputContentItem | readonly DynamicToolCallOutputContentItem[] | unknown;
