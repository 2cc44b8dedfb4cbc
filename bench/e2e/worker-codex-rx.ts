// codex-rx: one Codex (one app-server over stdio), N threads, N concurrent thread.run.
import { Codex } from '../../src/client/codex.js';
import '../../src/client/node-transport.js';
import type { TurnResult } from '../../src/turns/turn-result.js';
import { report, runBatches, workerSettings } from './worker-env.js';

const settings = workerSettings();
let codex!: Codex;
const result = await runBatches<TurnResult>(
  settings,
  async () => {
    codex = await Codex.connect({ codexBin: settings.codexBin, cwd: settings.cwd });
  },
  () =>
    Promise.all(
      Array.from({ length: settings.turns }, async () => {
        const thread = await codex.threadStart();
        return thread.run(settings.prompt);
      }),
    ),
  (turn) => turn.finalResponse,
);
await codex.close();
report(result);
