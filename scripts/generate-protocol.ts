// Writes src/protocol/generated/ from the pinned codex runtime's JSON Schema.
// Usage: npm run generate:protocol [-- --out DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveCodexBinary } from '../src/transport/codex-binary.js';
import { ProtocolGenerator } from '../src/protocol/generator/protocol-generator.js';
import { readSchemaBundle } from '../src/protocol/generator/schema-bundle.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'src/protocol/generated' } } });
const outDir = resolve(values.out!);
const { bundle, runtimeVersion } = readSchemaBundle(resolveCodexBinary());
const generator = new ProtocolGenerator(bundle, runtimeVersion);
const files = generator.generate();
mkdirSync(outDir, { recursive: true });
for (const [name, contents] of files) writeFileSync(join(outDir, name), contents);
console.log(`${runtimeVersion}: ${JSON.stringify(generator.counts())} → ${outDir}`);
const report = generator.report();
console.log(report.length === 0 ? 'every method fully typed' : `typed loosely (${report.length}):\n${report.map((line) => `  ${line}`).join('\n')}`);
