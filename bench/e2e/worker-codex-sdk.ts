// @openai/codex-sdk: one Codex, N threads, N concurrent thread.run. The SDK spawns
// `codex exec --experimental-json` per run, with the same CODEX_HOME (so the same mock model).
import { Codex, type RunResult } from '@openai/codex-sdk';
import { report, runBatches, workerSettings } from './worker-env.js';

const settings = workerSettings();
let codex!: Codex;
const result = await runBatches<RunResult>(
  settings,
  // Nothing to launch ahead of the work: `codex exec` starts inside each run.
  async () => {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    codex = new Codex({ codexPathOverride: settings.codexBin, env });
  },
  () =>
    Promise.all(
      Array.from({ length: settings.turns }, () =>
        codex.startThread({ workingDirectory: settings.cwd, skipGitRepoCheck: true }).run(settings.prompt),
      ),
    ),
  (turn) => turn.finalResponse,
);
report(result);
