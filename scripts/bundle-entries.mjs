// Emits the JavaScript of the published entries (package.json `exports` and the CLI) as one
// esbuild build with shared chunks, over the files `tsc` wrote. Node pays a read, a resolution
// and a compile per ESM module, and a cjs-module-lexer pass for every CommonJS package that ESM
// imports: ~55 modules of our own and io-ts imported from ESM were most of `import 'codex-rx'`.
// One build with `splitting` keeps each module in exactly one chunk, so a class is the same
// object whichever entries a program loads (`instanceof` holds between them). `tsc` still writes
// the `.d.ts` files that api-extractor and typedoc read, and the per-module files the benches use.
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// io-ts and fp-ts (MIT) go into the chunks: imported from ESM, io-ts cost 3-4× its `require`.
// Their licence notices ship in dist/THIRD-PARTY-LICENSES.txt.
const BUNDLED = ['io-ts', 'fp-ts'];
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const external = [
  ...Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies }),
  '@opentelemetry/*',
].filter((name) => !BUNDLED.includes(name));

// rxjs resolves to CommonJS in Node (its `node` condition), and an ESM import of it costs a
// cjs-module-lexer pass over its index (~16 ms of CPU, a sixth of rxjs's own import). The chunks
// import `#rxjs` instead: package.json `imports` maps it under the `node` condition to
// dist/rxjs-node.js, which `require`s rxjs (the same module instance an ESM import of rxjs gets),
// and elsewhere (browsers, bundlers) to `rxjs` itself.
function rxjsThroughRequireInNode() {
  return {
    name: 'rxjs-through-require-in-node',
    setup(build) {
      build.onResolve({ filter: /^rxjs$/ }, () => ({ path: '#rxjs', external: true }));
    },
  };
}

rmSync(join(root, 'dist/chunks'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    index: 'src/index.ts',
    'browser/index': 'src/browser/index.ts',
    'relay/index': 'src/relay/index.ts',
    'testing/index': 'src/testing/index.ts',
    advanced: 'src/advanced.ts',
    'fleet/index': 'src/fleet/index.ts',
    'cli/main': 'src/cli/main.ts',
  },
  outdir: 'dist',
  entryNames: '[dir]/[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'linked',
  plugins: [rxjsThroughRequireInNode()],
  logLevel: 'warning',
});

const rxjsNames = Object.keys(createRequire(import.meta.url)('rxjs')).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name));
writeFileSync(
  join(root, 'dist/rxjs-node.js'),
  [
    '// rxjs for the chunks in Node, by `require` (see scripts/bundle-entries.mjs): the module an ESM',
    '// import of rxjs gets, without the cjs-module-lexer pass over its index.',
    "import { createRequire } from 'node:module';",
    "const rxjs = createRequire(import.meta.url)('rxjs');",
    `export const { ${rxjsNames.join(', ')} } = rxjs;`,
    '',
  ].join('\n'),
);

writeFileSync(
  join(root, 'dist/THIRD-PARTY-LICENSES.txt'),
  BUNDLED.map((name) => `${name} (bundled into dist/chunks)\n\n${readFileSync(join(root, 'node_modules', name, 'LICENSE'), 'utf8')}`).join('\n\n'),
);

// The bundled packages ship no sources of their own: their code leaves the chunks' source maps,
// which would otherwise name files outside this package.
for (const file of readdirSync(join(root, 'dist/chunks')).filter((name) => name.endsWith('.js.map'))) {
  const path = join(root, 'dist/chunks', file);
  const map = JSON.parse(readFileSync(path, 'utf8'));
  const dropped = new Set(map.sources.flatMap((source, i) => (source.includes('/node_modules/') ? [i] : [])));
  if (dropped.size > 0) writeFileSync(path, JSON.stringify(withoutSources(map, dropped)));
}

function withoutSources(map, dropped) {
  const kept = map.sources.map((_, i) => i).filter((i) => !dropped.has(i));
  const index = new Map(kept.map((old, i) => [old, i]));
  const state = [0, 0, 0, 0, 0];
  const out = [0, 0, 0, 0];
  const lines = map.mappings.split(';').map((line) => {
    state[0] = 0;
    let column = 0;
    return line.split(',').filter(Boolean).flatMap((encoded) => {
      const segment = decodeVlq(encoded);
      segment.forEach((value, i) => (state[i] += value));
      if (segment.length === 1) return [];
      if (dropped.has(state[1])) return [];
      const fields = [state[0] - column, index.get(state[1]) - out[0], state[2] - out[1], state[3] - out[2]];
      column = state[0];
      [out[0], out[1], out[2]] = [index.get(state[1]), state[2], state[3]];
      if (segment.length === 5) {
        fields.push(state[4] - out[3]);
        out[3] = state[4];
      }
      return [fields.map(encodeVlq).join('')];
    }).join(',');
  });
  return { ...map, sources: kept.map((i) => map.sources[i]), mappings: lines.join(';') };
}

function decodeVlq(text) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function encodeVlq(number) {
  let value = number < 0 ? (-number << 1) | 1 : number << 1;
  let text = '';
  do {
    let digit = value & 31;
    value >>>= 5;
    if (value > 0) digit |= 32;
    text += BASE64[digit];
  } while (value > 0);
  return text;
}
