import { expect } from 'chai';
import { FleetProducer, FleetWorker, InsecureRedisError } from '../../src/fleet/index.js';

describe('codex-rx/fleet: a Redis password never travels in clear text off this machine', () => {
  const cases = [
    { label: 'a redis:// URL', redis: 'redis://:s3cret-pass@10.1.2.3:6379' },
    { label: 'ioredis options', redis: { host: 'redis.internal', port: 6379, password: 's3cret-pass' } },
  ];
  for (const { label, redis } of cases) {
    it(`producer and worker refuse ${label} with a password to a remote host, naming the host and not the password`, async () => {
      for (const start of [() => FleetProducer.connect({ redis }), () => FleetWorker.start({ redis, codex: { transport: { url: 'ws://127.0.0.1:1' } } })]) {
        const error = await start().then(
          () => undefined,
          (failure: unknown) => failure,
        );
        expect(error).to.be.instanceOf(InsecureRedisError);
        expect((error as Error).message).to.not.include('s3cret-pass');
        expect((error as Error).message).to.match(/10\.1\.2\.3|redis\.internal/);
      }
    });
  }
});
