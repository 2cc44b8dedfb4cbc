// The bare client, three cycles in one process: spawn + initialize, thread/start, turn/start to
// turn/completed, close (see bench/connect-cycles.ts and worker-bare.ts).
import { spawn } from 'node:child_process';
import { reportCycles, runCycles, workerSettings } from './cycle-env.js';

const settings = workerSettings();
reportCycles(
  await runCycles(async (mark) => {
    const server = spawn(settings.codexBin, ['app-server', '--listen', 'stdio://'], { cwd: settings.cwd, stdio: ['pipe', 'pipe', 'ignore'] });
    const pending = new Map<number, (result: any) => void>();
    let completed!: (turn: any) => void;
    const turnCompleted = new Promise<any>((resolve) => (completed = resolve));
    let nextId = 1;
    let buffered = '';
    server.stdout.setEncoding('utf8').on('data', (text: string) => {
      const lines = (buffered + text).split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line === '') continue;
        const message = JSON.parse(line);
        if (message.id !== undefined && message.method === undefined) {
          pending.get(message.id)?.(message.result);
          pending.delete(message.id);
        } else if (message.method === 'turn/completed') completed(message.params.turn);
      }
    });
    const request = (method: string, params: unknown) =>
      new Promise<any>((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        server.stdin.write(`${JSON.stringify({ id, method, params })}\n`);
      });
    await request('initialize', { clientInfo: { name: 'bare_bench', title: null, version: '0.0.0' }, capabilities: { experimentalApi: true } });
    server.stdin.write(`${JSON.stringify({ method: 'initialized' })}\n`);
    mark();
    const { thread } = await request('thread/start', { approvalPolicy: 'on-request', approvalsReviewer: 'auto_review' });
    await request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: settings.prompt, text_elements: [] }] });
    const turn = await turnCompleted;
    mark();
    server.stdin.end();
    await new Promise((resolve) => server.once('close', resolve));
    return turn.items.findLast((item: any) => item.type === 'agentMessage')?.text;
  }, settings),
);
