// The part of markdown-it (which ships no types) that the web UI uses.
declare module 'markdown-it' {
  interface MarkdownItOptions {
    readonly html?: boolean;
    readonly linkify?: boolean;
    readonly typographer?: boolean;
    readonly breaks?: boolean;
  }
  interface Token {
    attrSet(name: string, value: string): void;
  }
  type RenderRule = (tokens: Token[], index: number, options: unknown, env: unknown, self: { renderToken(tokens: Token[], index: number, options: unknown): string }) => string;
  class MarkdownIt {
    constructor(options?: MarkdownItOptions);
    render(source: string): string;
    readonly renderer: { rules: Record<string, RenderRule | undefined> };
    validateLink(url: string): boolean;
  }
  export default MarkdownIt;
}
