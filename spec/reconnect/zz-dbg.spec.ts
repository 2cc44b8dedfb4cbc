import { concurrentRound, startAttackFixture } from './reconnect-attack-fixture.js';
describe('dbg', function () {
  this.timeout(60000);
  it('x', async () => {
    const f = await startAttackFixture();
    const log: string[] = [];
    const t0 = Date.now();
    f.codex.diagnostics$.subscribe({ next: (d: any) => log.push(`DIAG ${d.kind} ${d.message ?? d.error?.message} t=${Date.now() - t0}`), error: () => undefined });
    f.codex.connectionState$.subscribe((s) => log.push(`STATE ${s.state} t=${Date.now() - t0}`));
    const threads = await Promise.all(Array.from({ length: 3 }, () => f.newThread()));
    log.push(`threads ${threads.map((t) => t.id).join(' ')}`);
    const wrap = f.faults.wrap.bind(f.faults);
    (f.faults as any).wrap = (inner: any) => {
      const t = wrap(inner);
      t.frames$.subscribe({ next: (m: any) => { if (m.result?.thread) log.push(`RESUME ANSWER ${m.result.thread.id} turns ${JSON.stringify(m.result.thread.turns.map((x: any) => [x.id, x.status, x.items.map((i: any) => i.type + (i.clientId ? ':' + i.clientId : ''))]))} t=${Date.now() - t0}`); if (m.error) log.push(`ERR ${JSON.stringify(m)}`); }, error: () => undefined });
      const send = t.send;
      return { ...t, send: (m: any) => { if (m.method === 'turn/start') log.push(`TURN/START ${m.params.threadId} ${m.params.clientUserMessageId} t=${Date.now() - t0}`); send(m); } };
    };
    f.faults.onResumeSent = () => log.push(`RESUME SENT t=${Date.now() - t0}`);
    const failures = await concurrentRound(f, threads, 'lost', () => {
      f.faults.resumeDelayMs = 300;
      f.faults.loseTurnStartAnswer = true;
    });
    console.log(failures.join('\n'));
    console.log(log.join('\n'));
    await f.dispose();
  });
});
