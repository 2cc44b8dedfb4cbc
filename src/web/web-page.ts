import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

const STYLE = `
body { font: 14px system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
.bar { display: flex; gap: 12px; align-items: center; padding: 10px 16px; background: #1d2330; color: #fff; }
.status { margin-left: auto; } .status.error { color: #ff8a80; } .status.ok { color: #9be59b; }
.board { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 12px; padding: 12px; }
.pane { background: #fff; border: 1px solid #d8dce3; border-radius: 6px; padding: 10px; display: flex; flex-direction: column; gap: 6px; }
.pane-title { font-size: 15px; margin: 0; } .state { font-weight: normal; color: #667; font-size: 12px; }
.output { white-space: pre-wrap; min-height: 60px; margin: 0; background: #fafbfc; padding: 6px; border-radius: 4px; }
.approval { display: flex; gap: 6px; align-items: center; background: #fff6dd; padding: 6px; border-radius: 4px; }
.usage { color: #556; font-size: 12px; } .error { color: #b3261e; }
.prompt { width: 100%; box-sizing: border-box; font: inherit; } .controls { display: flex; gap: 6px; }
`;

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1d2330"/><path d="M4 5l3 3-3 3M8 11h4" stroke="#9be59b" stroke-width="1.6" fill="none"/></svg>`;

/**
 * The web UI, served by the relay to signed-in browsers: the page and its script (the app bundled
 * with esbuild for the browser, from codex-rx/browser and RxJS, once, when this is called).
 * esbuild is an optional peer dependency: only the web UI needs it, so the library and the relay
 * install without it.
 *
 * @example
 * import { createServer } from 'node:http';
 *
 * const relay = createRelay(createServer(), { page: await webPage() });
 */
export async function webPage(): Promise<(request: IncomingMessage, response: ServerResponse) => void> {
  const source = ['./app.ts', './app.js'].map((name) => fileURLToPath(new URL(name, import.meta.url))).find((path) => existsSync(path));
  if (source === undefined) throw new Error('the web UI source (app.ts or app.js) is missing beside web-page');
  const { build } = await import('esbuild').catch(() => {
    throw new Error('the web UI needs the esbuild package to bundle its page: npm install esbuild');
  });
  const bundle = await build({ entryPoints: [source], bundle: true, platform: 'browser', format: 'esm', minify: true, write: false, logLevel: 'silent' });
  const script = bundle.outputFiles[0]!.contents;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>codex-rx</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="/favicon.ico" type="image/svg+xml"><style>${STYLE}</style></head>
<body><script type="module" src="/app.js"></script></body></html>`;
  const headers = {
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': "default-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  };
  return (request, response) => {
    const path = new URL(request.url ?? '/', 'http://relay.invalid').pathname;
    if (path === '/') {
      response.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
      response.end(html);
    } else if (path === '/favicon.ico') {
      // Browsers ask for an icon on their own; a 404 would be an error in the console on every load.
      response.writeHead(200, { ...headers, 'Content-Type': 'image/svg+xml' });
      response.end(ICON);
    } else if (path === '/app.js') {
      response.writeHead(200, { ...headers, 'Content-Type': 'text/javascript; charset=utf-8' });
      response.end(script);
    } else {
      response.writeHead(404, headers);
      response.end();
    }
  };
}
