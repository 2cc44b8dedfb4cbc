// codex-rx, three cycles in one process: connect, start a thread, run a turn, close (see bench/connect-cycles.ts).
import { Codex } from '../../src/client/codex.js';
import '../../src/client/node-transport.js';
import { reportCycles, runCycles, workerSettings } from './cycle-env.js';

const settings = workerSettings();
reportCycles(
  await runCycles(async (mark) => {
    const codex = await Codex.connect({ codexBin: settings.codexBin, cwd: settings.cwd });
    mark();
    const thread = await codex.threadStart();
    const result = await thread.run(settings.prompt);
    mark();
    await codex.close();
    return result.finalResponse;
  }, settings),
);
