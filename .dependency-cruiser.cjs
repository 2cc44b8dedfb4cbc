// The layers of src/, lowest first: a folder may import its own files and the folders below it,
// never one above. Folders on the same step (cli and testing excepted) do not import each other.
// `internal/` holds small helpers every layer may use; it imports no layer.
// Entry points (src/index.ts, src/advanced.ts) only re-export and sit above everything.
const LAYERS = [
  ['jsonrpc'],
  ['errors'],
  // Schemas (Standard Schema, io-ts, JSON Schema) for typed output and tool arguments.
  ['schema'],
  ['transport'],
  ['protocol'],
  ['connection'],
  ['turns'],
  ['operators'],
  // Telemetry watches the client from beside it; the client loads it only when configured.
  ['telemetry'],
  ['client'],
  ['fleet', 'browser'],
  // The web UI runs on the browser entry; the relay serves it.
  ['web'],
  ['relay'],
  ['testing'],
  ['cli'],
];

const folders = (steps) => steps.flat().join('|');

const layerRules = LAYERS.flatMap((step, index) =>
  step.map((folder) => {
    const allowed = ['internal', folder, ...LAYERS.slice(0, index).flat()];
    return {
      name: `layer-${folder}`,
      comment: `src/${folder} may import only: ${allowed.join(', ')}`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: '^src/', pathNot: [`^src/(${allowed.join('|')})/`] },
    };
  }),
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'internal-imports-no-layer',
      comment: 'src/internal is used by every layer, so it can depend on none of them',
      severity: 'error',
      from: { path: '^src/internal/' },
      to: { path: '^src/', pathNot: '^src/internal/' },
    },
    {
      name: 'no-import-of-entry-points',
      comment: 'entry points only re-export; code inside src imports the module that defines a thing',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/(index|advanced)\\.ts$' },
    },
    {
      name: 'no-unknown-folder',
      comment: `every file in src sits in a known layer folder (${folders(LAYERS)}, internal) or is an entry point`,
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/', pathNot: [`^src/(${folders(LAYERS)}|internal)/`, '^src/(index|advanced)\\.ts$'] },
    },
    {
      name: 'no-circular',
      comment: 'modules that import each other cannot be read, tested or loaded one at a time',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
