import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { FleetWorker } from '../../src/fleet/index.js';
import { startScriptedCodex, type ScriptedCodex } from '../../src/testing/scripted-codex.js';
import { resolveCodexBinary } from '../../src/transport/codex-binary.js';
import { RedisServer } from './support/redis-server.js';

describe('codex-rx/fleet: a worker whose app-server cannot be relaunched stops advertising itself and stops', function () {
  this.timeout(60_000);
  let redisServer: RedisServer;
  let redis: Redis;
  let scripted: ScriptedCodex | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'codex-rx-gives-up-'));

  before(async () => {
    redisServer = await RedisServer.start();
    redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  });

  after(async () => {
    await scripted?.dispose();
    redis?.disconnect();
    await redisServer?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('its Codex gives up relaunching: `stopped` says why, its heartbeat is gone, and it stays listed for the others to sweep', async () => {
    // The real server the first time; every relaunch then fails, as a binary removed by an upgrade would.
    const wrapper = join(dir, 'codex-once');
    const pidFile = join(dir, 'pid');
    writeFileSync(wrapper, `#!/bin/sh\nif [ -e "${pidFile}" ]; then echo "gone" >&2; exit 1; fi\necho $$ > "${pidFile}"\nexec "${resolveCodexBinary()}" "$@"\n`);
    chmodSync(wrapper, 0o755);
    scripted = await startScriptedCodex({ codex: { codexBin: wrapper, reconnect: { maxAttempts: 2, initialDelayMs: 50, maxDelayMs: 100, jitter: 0 } } });
    const worker = await FleetWorker.start({ redis: redisServer.url, queue: 'gives-up', id: 'doomed', codex: scripted.codex, heartbeatMs: 200 });
    expect(await redis.exists('codex-rx:gives-up:worker:doomed')).to.equal(1);
    process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    const reason = await Promise.race([worker.stopped, new Promise((resolve) => setTimeout(() => resolve('still running after 30 s'), 30_000))]);
    expect(reason).to.be.a('string').and.match(/app-server is gone/);
    expect(await redis.exists('codex-rx:gives-up:worker:doomed')).to.equal(0);
    expect(await redis.sismember('codex-rx:gives-up:workers', 'doomed')).to.equal(1);
  });
});
