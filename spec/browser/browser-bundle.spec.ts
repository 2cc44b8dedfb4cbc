import { expect } from 'chai';
import { builtinModules } from 'node:module';
import { buildBrowserBundle } from '../../bench/lib/browser-bundle.js';

const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

describe('codex-rx/browser bundle', function () {
  this.timeout(60_000);

  it('bundles with esbuild for platform=browser with no Node built-in in its import graph', async () => {
    const { metafile, gzipBytes } = await buildBrowserBundle();
    const imports = Object.values(metafile.inputs).flatMap((input) => input.imports.map((entry) => entry.path));
    expect(imports.filter((path) => NODE_BUILTINS.has(path))).to.deep.equal([]);
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.some((path) => path.includes('src/client/codex.ts'))).to.equal(true);
    expect(inputs.filter((path) => /stdio-transport|unix-socket-transport|\/websocket-transport|node_modules\/ws\//.test(path))).to.deep.equal([]);
    expect(gzipBytes).to.be.greaterThan(0);
  });
});
