import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

const STYLE = `
:root { --ink: #1b2230; --muted: #4a5568; --line: #d5dae3; --paper: #ffffff; --ground: #f3f5f8; --accent: #1f5fbf; --ok: #1e6b34; --bad: #a61b1b; --warn: #7a4b00; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; background: var(--ground); color: var(--ink); }
button, input, select, textarea { font: inherit; color: inherit; }
button { background: var(--paper); border: 1px solid #8a94a6; border-radius: 5px; padding: 3px 10px; cursor: pointer; }
button:hover:not(:disabled) { border-color: var(--accent); } button:disabled { color: #6b7280; cursor: default; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.bar { display: flex; gap: 12px; align-items: center; padding: 8px 16px; background: var(--ink); color: #fff; }
.title { font-size: 16px; margin: 0; }
.status { margin-left: auto; } .status.ok { color: #a7f3b5; } .status.warn { color: #ffd479; } .status.error { color: #ffb3ad; }
.status button { color: var(--ink); }
.layout { display: grid; grid-template-columns: 290px 1fr; min-height: calc(100vh - 40px); }
.sidebar { border-right: 1px solid var(--line); background: var(--paper); padding: 10px; display: flex; flex-direction: column; gap: 8px; overflow: auto; max-height: calc(100vh - 40px); }
.new-thread-form { display: grid; grid-template-columns: 1fr 1fr; gap: 6px; padding-bottom: 8px; border-bottom: 1px solid var(--line); }
.field { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); } .field:first-child { grid-column: span 2; }
.field input, .field select { padding: 3px 5px; border: 1px solid #8a94a6; border-radius: 4px; background: var(--paper); }
.new-thread { grid-column: span 2; background: var(--accent); color: #fff; border-color: var(--accent); }
.search { padding: 5px 8px; border: 1px solid #8a94a6; border-radius: 4px; }
.search-status { font-size: 12px; color: var(--muted); min-height: 1em; }
.thread-list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 4px; }
.thread-entry { width: 100%; text-align: left; display: flex; flex-direction: column; border-color: var(--line); }
.thread-entry.open { border-color: var(--accent); background: #eaf1fc; }
.thread-title { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.thread-snippet, .thread-meta { font-size: 12px; color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.work { padding: 12px; min-width: 0; } .notice { color: var(--bad); } .empty { color: var(--muted); }
.board { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 12px; align-items: start; }
.pane { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; display: flex; flex-direction: column; gap: 8px; min-width: 0; }
.pane-head { display: flex; gap: 8px; align-items: baseline; } .pane-title { font-size: 15px; margin: 0; overflow-wrap: anywhere; }
.state { color: var(--muted); font-size: 12px; } .close { margin-left: auto; padding: 0 8px; }
.pane-sub { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; font-size: 12px; }
.cwd { color: var(--muted); font-family: ui-monospace, monospace; font-size: 12px; overflow-wrap: anywhere; }
.rename-form { display: flex; gap: 4px; margin-left: auto; } .name { width: 150px; padding: 2px 5px; border: 1px solid #8a94a6; border-radius: 4px; }
.goal:empty, .pane-error:empty, .approvals:empty { display: none; } .goal { background: #eef6ee; padding: 4px 8px; border-radius: 4px; }
.pane-error, .turn-error { color: var(--bad); } .retry { color: var(--warn); }
.turns { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 10px; max-height: 70vh; overflow: auto; }
.turn { border-left: 3px solid var(--line); padding-left: 8px; display: flex; flex-direction: column; gap: 6px; }
.turn.inProgress { border-color: var(--accent); } .turn.failed { border-color: var(--bad); } .turn.interrupted { border-color: var(--warn); }
.items { display: flex; flex-direction: column; gap: 8px; }
.command, .file-change, .tool-call, .plan-item { border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; display: flex; flex-direction: column; gap: 4px; }
.user-message { background: #eaf1fc; padding: 6px 8px; border-radius: 6px; white-space: pre-wrap; align-self: flex-end; max-width: 90%; }
.turn-meta, .command-meta { font-size: 12px; color: var(--muted); }
.markdown > :first-child { margin-top: 0; } .markdown > :last-child { margin-bottom: 0; }
.markdown pre, .output, .diff-body, .tool-args, .tool-result, .typed-output pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 4px; padding: 6px; overflow: auto; margin: 0; font: 12px/1.4 ui-monospace, monospace; }
.output { max-height: 240px; white-space: pre-wrap; } .hidden-lines { color: var(--muted); font-style: italic; }
.command-head { display: flex; gap: 6px; align-items: baseline; flex-wrap: wrap; } .command-line { font-weight: 600; }
.label { font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.diff-path { font-family: ui-monospace, monospace; font-size: 12px; font-weight: 600; }
.diff-body .add { background: #e3f6e8; color: #14532d; display: block; } .diff-body .del { background: #fbe5e5; color: #7f1d1d; display: block; } .diff-body .hunk { color: #4338ca; display: block; }
.reasoning summary { cursor: pointer; color: var(--muted); } .reasoning-text { white-space: pre-wrap; color: var(--muted); }
.checklist { list-style: none; padding-left: 4px; margin: 4px 0; } .checklist .completed { color: var(--muted); text-decoration: line-through; }
.reconstructed { font-size: 11px; color: var(--warn); border: 1px solid #d9b36c; border-radius: 3px; padding: 0 4px; margin-top: 2px; display: inline-block; }
.approval { background: #fff6dd; border: 1px solid #e0c46c; padding: 8px; border-radius: 6px; display: flex; flex-direction: column; gap: 6px; }
.approval .command { font-weight: 600; } .controls { display: flex; gap: 6px; flex-wrap: wrap; }
.approval .accept, .send { background: var(--accent); color: #fff; border-color: var(--accent); } .approval .decline { border-color: var(--bad); color: var(--bad); }
.composer { display: flex; flex-direction: column; gap: 6px; } .prompt, .schema { width: 100%; padding: 6px; border: 1px solid #8a94a6; border-radius: 5px; }
.typed summary { font-size: 12px; color: var(--muted); cursor: pointer; } .schema-error { color: var(--bad); font-size: 12px; }
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
  // From src/web or dist/web, app.ts or app.js is beside this module; from a bundled chunk in
  // dist/chunks, it is tsc's dist/web/app.js.
  const source = ['./app.ts', './app.js', '../web/app.js'].map((name) => fileURLToPath(new URL(name, import.meta.url))).find((path) => existsSync(path));
  if (source === undefined) throw new Error('the web UI source (app.ts or app.js) is missing beside web-page');
  const { build } = await import('esbuild').catch(() => {
    throw new Error('the web UI needs the esbuild package to bundle its page: npm install esbuild');
  });
  // The page never turns telemetry on: its optional peer stays out of the bundle (and need not be installed).
  const bundle = await build({ entryPoints: [source], bundle: true, platform: 'browser', format: 'esm', minify: true, write: false, logLevel: 'silent' });
  const script = bundle.outputFiles[0]!.contents;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>codex-rx</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="/favicon.ico" type="image/svg+xml"><style>${STYLE}</style></head>
<body><script type="module" src="/app.js"></script></body></html>`;
  const headers = {
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    // Scripts only from the relay (no inline script, no event handler attributes): a message that got markup past the renderer still could not run it.
    'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
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
