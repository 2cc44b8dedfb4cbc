// The page of the browser-tool spec: a tool defined in the page, run in the page.
import { Codex, tool } from '../../../src/browser/index.js';

const codex = new Codex({ clientInfo: { name: 'tool_page', version: '0' } });
const runs: string[] = [];
const pageTitle = tool({
  name: 'page_title',
  description: 'The title of the page the user has open',
  input: { type: 'object', properties: {} },
  run: () => (runs.push(document.title), `the page is titled "${document.title}"`),
});

(globalThis as Record<string, unknown>)['askThePage'] = async (prompt: string) => {
  const thread = await codex.threadStart({ tools: [pageTitle] });
  const result = await thread.run(prompt);
  return { finalResponse: result.finalResponse, runs, items: result.items.filter((item) => item.type === 'dynamicToolCall') };
};
document.title = 'Tools in a page';
document.body.dataset['ready'] = 'yes';
