/// <reference path="./markdown-it.d.ts" />
import MarkdownIt from 'markdown-it';

// html: false escapes every tag the text carries, and markdown-it's link check refuses
// javascript:, vbscript:, file: and data: (but images) URLs: a message renders as Markdown and never as markup.
const renderer = new MarkdownIt({ html: false, linkify: false, typographer: false });
const defaultLink = renderer.renderer.rules['link_open'];
// A link from the model opens elsewhere, never in the page, and tells the target nothing.
renderer.renderer.rules['link_open'] = (tokens, index, options, env, self) => {
  tokens[index]!.attrSet('target', '_blank');
  tokens[index]!.attrSet('rel', 'noopener noreferrer nofollow');
  return defaultLink === undefined ? self.renderToken(tokens, index, options) : defaultLink(tokens, index, options, env, self);
};

/**
 * An agent message as HTML: Markdown through markdown-it with raw HTML off, so that the text of a
 * message can never add a tag, an event handler or a script URL to the page.
 *
 * @example
 * markdownHtml('**bold** <img src=x onerror=alert(1)>'); // '<p><strong>bold</strong> &lt;img src=x onerror=alert(1)&gt;</p>\n'
 */
export function markdownHtml(text: string): string {
  return renderer.render(text);
}
