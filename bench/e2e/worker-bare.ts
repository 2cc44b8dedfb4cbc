// The floor: a bare JSON-RPC client over stdio, no library, no validation. Spawn, split JSONL,
// correlate ids, and wait for each turn's `turn/completed`.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { report, runBatches, workerSettings } from './worker-env.js';

const settings = workerSettings();
let server!: ChildProcessByStdio<Writable, Readable, null>;
const pending = new Map<number, (result: any) => void>();
const completions = new Map<string, (turn: any) => void>();
const early = new Map<string, any>(); // a turn/completed read before its waiter was registered
let nextId = 1;
const request = (method: string, params: unknown) =>
  new Promise<any>((resolve) => {
    const id = nextId++;
    pending.set(id, resolve);
    server.stdin.write(`${JSON.stringify({ id, method, params })}\n`);
  });
const completion = (turnId: string) =>
  early.has(turnId) ? Promise.resolve(early.get(turnId)) : new Promise<any>((resolve) => completions.set(turnId, resolve));

const result = await runBatches<any>(
  settings,
  async () => {
    server = spawn(settings.codexBin, ['app-server', '--listen', 'stdio://'], { cwd: settings.cwd, stdio: ['pipe', 'pipe', 'ignore'] });
    let buffered = '';
    server.stdout.setEncoding('utf8');
    server.stdout.on('data', (text: string) => {
      const lines = (buffered + text).split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line === '') continue;
        const message = JSON.parse(line);
        if (message.id !== undefined && message.method === undefined) {
          if (message.error) throw new Error(JSON.stringify(message.error));
          pending.get(message.id)?.(message.result);
          pending.delete(message.id);
        } else if (message.method === 'turn/completed') {
          const turn = message.params.turn;
          const waiter = completions.get(turn.id);
          if (waiter) waiter(turn);
          else early.set(turn.id, turn);
        }
      }
    });
    await request('initialize', { clientInfo: { name: 'bare_bench', title: null, version: '0.0.0' }, capabilities: { experimentalApi: true } });
    server.stdin.write(`${JSON.stringify({ method: 'initialized' })}\n`);
  },
  () =>
    Promise.all(
      Array.from({ length: settings.turns }, async () => {
        // The same params codex-rx sends by default (ApprovalMode.autoReview), so the server does the same work.
        const { thread } = await request('thread/start', { approvalPolicy: 'on-request', approvalsReviewer: 'auto_review' });
        const input = [{ type: 'text', text: settings.prompt, text_elements: [] }];
        const { turn } = await request('turn/start', { threadId: thread.id, input });
        return completion(turn.id);
      }),
    ),
  (turn) => turn.items.findLast((item: any) => item.type === 'agentMessage')?.text,
);
server.stdin.end();
await new Promise((resolve) => server.once('close', resolve));
report(result);
