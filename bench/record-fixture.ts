/**
 * Records what the pinned `codex app-server` writes on stdout during real turns, byte for byte,
 * into `bench/fixtures/turn-50-deltas.jsonl`: the frame pipeline benchmark replays these lines.
 *
 * The server runs against the scripted mock model (`AppServerHarness`); the client side is a
 * raw child process, so the fixture holds the exact lines, not a re-serialization of parsed ones.
 * One thread, two turns (the first turn of a thread carries a few extra frames, such as the
 * warning about the unknown mock model); the fixture keeps the lines of the second turn, from
 * the `turn/start` response to `turn/completed` and any straggler that follows it.
 *
 *   npx tsx bench/record-fixture.ts [output.jsonl]
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { AppServerHarness } from '../src/testing/app-server-harness.js';
import { MockResponsesServer } from '../src/testing/mock-responses-server.js';
import { resolveCodexBinary } from '../src/transport/codex-binary.js';
import { FIXTURE_PATH } from './lib/fixture.js';
import { benchResponse } from './lib/script.js';


/** How long to keep listening after `turn/completed` for frames that trail it. */
const TRAILING_MS = 300;

async function main(): Promise<void> {
  const output = process.argv[2] ?? FIXTURE_PATH;
  const mock = await MockResponsesServer.start({ whenEmpty: benchResponse });
  const harness = await AppServerHarness.create({ mock });
  const child = spawn(resolveCodexBinary(), ['app-server', '--listen', 'stdio://'], {
    cwd: harness.workspace,
    env: { ...process.env, ...harness.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // The server logs warnings about the mock model; shown only if recording fails.
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-8_000)));
  try {
    const lines: string[] = [];
    const waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
    let partial = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      const pieces = (partial + text).split('\n');
      partial = pieces.pop()!;
      for (const line of pieces) {
        lines.push(line);
        for (const waiter of [...waiters]) {
          if (waiter.test(line)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
      }
    });
    const waitFor = (test: (line: string) => boolean) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the server did not answer in 30 s')), 30_000);
        waiters.push({ test, resolve: (line) => (clearTimeout(timer), resolve(line)) });
      });
    let nextId = 1;
    const request = async (method: string, params: unknown): Promise<{ id: number; result: any }> => {
      const id = nextId++;
      const answered = waitFor((line) => line.startsWith('{') && (JSON.parse(line) as { id?: unknown }).id === id);
      child.stdin.write(`${JSON.stringify({ id, method, params })}\n`);
      const message = JSON.parse(await answered) as { result?: unknown; error?: { message: string } };
      if (message.error) throw new Error(`${method}: ${message.error.message}`);
      return { id, result: message.result };
    };

    await request('initialize', { clientInfo: { name: 'codex_rx_bench', title: null, version: '0.1.0' }, capabilities: { experimentalApi: true } });
    child.stdin.write(`${JSON.stringify({ method: 'initialized' })}\n`);
    const { result: started } = await request('thread/start', {});
    const threadId = started.thread.id as string;

    let kept: string[] = [];
    for (const prompt of ['warm up', 'write a sentence']) {
      const first = lines.length;
      const completed = waitFor((line) => line.includes('"method":"turn/completed"') && line.includes(threadId));
      await request('turn/start', { threadId, input: [{ type: 'text', text: prompt, text_elements: [] }] });
      await completed;
      await new Promise((resolve) => setTimeout(resolve, TRAILING_MS));
      kept = lines.slice(first).filter((line) => line.trim() !== '');
    }
    await writeFile(output, `${kept.join('\n')}\n`, 'utf8');
    const methods = new Map<string, number>();
    for (const line of kept) {
      const message = JSON.parse(line) as { method?: string };
      const key = message.method ?? '(response)';
      methods.set(key, (methods.get(key) ?? 0) + 1);
    }
    console.log(`wrote ${kept.length} lines (${Buffer.byteLength(kept.join('\n'))} bytes) to ${output}`);
    for (const [method, count] of methods) console.log(`  ${String(count).padStart(3)}  ${method}`);
  } catch (error) {
    console.error(stderr);
    throw error;
  } finally {
    child.stdin.end();
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      child.once('close', () => (clearTimeout(timer), resolve()));
    });
    await harness.dispose();
    await mock.close();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
