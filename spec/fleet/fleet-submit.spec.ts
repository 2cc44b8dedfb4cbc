import { expect } from 'chai';
import { Redis } from 'ioredis';
import { FleetProducer, InvalidFleetJobError, type FleetJob } from '../../src/fleet/index.js';
import { RedisServer } from './support/redis-server.js';

/** What a caller may pass from JavaScript, whatever the types say. */
type Untyped = Record<string, unknown>;

describe('codex-rx/fleet submit: a job that can never run is refused at once, typed, and nothing reaches Redis', function () {
  this.timeout(30_000);
  const queue = 'submit';
  let redisServer: RedisServer;
  let redis: Redis;
  let producer: FleetProducer;

  before(async () => {
    redisServer = await RedisServer.start();
    redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
    producer = await FleetProducer.connect({ redis: redisServer.url, queue });
  });

  after(async () => {
    await producer?.close();
    redis?.disconnect();
    await redisServer?.dispose();
  });

  /** `submit` must reject, fast: the old code accepted an empty key and its result never came. */
  async function refusal(job: Untyped, using = producer): Promise<InvalidFleetJobError> {
    const before = await redis.dbsize();
    const outcome = await Promise.race([
      using.submit(job as unknown as FleetJob).then(
        (handle) => new Error(`accepted as job ${JSON.stringify(handle.id)}`),
        (error: unknown) => error,
      ),
      new Promise((resolve) => setTimeout(() => resolve(new Error('submit did not settle within 5 s')), 5_000)),
    ]);
    expect(outcome, JSON.stringify(job).slice(0, 100)).to.be.instanceOf(InvalidFleetJobError);
    expect(await redis.dbsize(), 'keys written for a refused job').to.equal(before);
    return outcome as InvalidFleetJobError;
  }

  const badKeys: Array<[string, unknown]> = [
    ['empty', ''],
    ['with ":"', 'a:b'],
    ['with two ":" (a BullMQ repeat-job id)', 'a:b:c'],
    ['an integer', '42'],
    ['a negative integer', '-7'],
    ['longer than 256 characters', 'k'.repeat(257)],
    ['a number', 42],
    ['null', null],
    ['an object', { id: 'x' }],
  ];
  for (const [label, key] of badKeys) {
    it(`a key that is ${label} is refused (field "key")`, async () => {
      expect((await refusal({ input: 'hello', key })).field).to.equal('key');
    });
  }

  const badInputs: Array<[string, unknown]> = [
    ['missing', undefined],
    ['null', null],
    ['a number', 42],
    ['a boolean', true],
    ['an empty string', ''],
    ['an empty array', []],
    ['an item of an unknown type', [{ type: 'bogus', text: 'x' }]],
    ['an item without its field', { type: 'localImage' }],
    ['a text item whose text is not a string', [{ type: 'text', text: 5 }]],
    ['a string of 5 MB', 'x'.repeat(5 * 1024 * 1024)],
  ];
  for (const [label, input] of badInputs) {
    it(`an input that is ${label} is refused (field "input")`, async () => {
      const error = await refusal({ input, key: `input-${label.replaceAll(/\W+/g, '-')}` });
      expect(error.field).to.equal('input');
      expect(error.message.length, 'the message must not carry the input').to.be.below(300);
    });
  }

  it('the size limit is the producer\'s maxInputBytes (default 1 MiB), counted as JSON bytes', async () => {
    const small = await FleetProducer.connect({ redis: redisServer.url, queue, maxInputBytes: 100 });
    try {
      expect((await refusal({ input: 'é'.repeat(60) }, small)).message).to.match(/122 bytes as JSON; at most 100/);
      expect((await refusal({ input: [{ type: 'text', text: 'y'.repeat(200) }] }, small)).field).to.equal('input');
    } finally {
      await small.close();
    }
    const oneMiB = 1024 * 1024;
    expect((await refusal({ input: 'z'.repeat(oneMiB) })).field).to.equal('input'); // 1 MiB + 2 quotes
    const fits = await producer.submit({ input: 'z'.repeat(oneMiB - 2), key: 'exactly-one-mib' });
    expect(fits.id).to.equal('exactly-one-mib');
  });

  it('attempts and priority out of range are refused', async () => {
    for (const attempts of [0, -1, 1.5, '3']) expect((await refusal({ input: 'hi', attempts })).field).to.equal('attempts');
    for (const priority of [0, 1.5, 2_097_153]) expect((await refusal({ input: 'hi', priority })).field).to.equal('priority');
  });

  it('one key is one job: submitted again, or many times at once, it returns the same job', async () => {
    const handles = await Promise.all(Array.from({ length: 10 }, () => producer.submit({ input: 'same', key: 'same-key' })));
    expect(new Set(handles.map((handle) => handle.id))).to.deep.equal(new Set(['same-key']));
    const again = await producer.submit({ input: 'same', key: 'same-key' });
    expect(again.id).to.equal('same-key');
    const jobs = await redis.keys(`codex-rx:${queue}:same-key`);
    expect(jobs).to.have.length(1);
    const waiting = await redis.lrange(`codex-rx:${queue}:wait`, 0, -1);
    expect(waiting.filter((id) => id === 'same-key')).to.have.length(1);
  });
});
