import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

/** What a browser app using `Codex`, `thread.run$` and `agentTextDeltas` from codex-rx/browser bundles to. */
export interface BrowserBundle {
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly metafile: Metafile;
}

const APP = `
import { Codex, agentTextDeltas } from './src/browser/index.ts';
const codex = new Codex();
const thread = await codex.threadStart();
thread.run$('Say hello').subscribe((result) => console.log(result.finalResponse));
(await thread.turn('Stream it')).events$.pipe(agentTextDeltas()).subscribe((text) => console.log(text));
`;

/** Bundles that app for the browser, minified, and measures it. Fails if anything in its graph is Node-only. */
export async function buildBrowserBundle(): Promise<BrowserBundle> {
  const result = await build({
    stdin: { contents: APP, resolveDir: new URL('../..', import.meta.url).pathname, sourcefile: 'app.ts', loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength, metafile: result.metafile };
}

/** The size of the browser bundle, as a markdown section for `npm run bench`. */
export async function runBrowserBundleBench(): Promise<string> {
  const bundle = await buildBrowserBundle();
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  return [
    '### Browser bundle (codex-rx/browser: Codex, thread.run$, agentTextDeltas; esbuild, platform=browser, minified)',
    '',
    '| minified | minified + gzip | target (gzip) |',
    '| ---: | ---: | ---: |',
    `| ${kb(bundle.bytes)} | ${kb(bundle.gzipBytes)} | 120 KB |`,
  ].join('\n');
}
