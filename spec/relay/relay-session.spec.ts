import { expect } from 'chai';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { RelaySessionStore } from '../../src/relay/relay-session-store.js';
import { FakeTransport } from '../support/fake-transport.js';
import { startRelayFixture, type RelayFixture } from '../support/relay-fixture.js';

const DAY_MS = 24 * 3_600_000;

/** The HTTP status of a page request with this cookie (on a fresh connection: the relay may have restarted). */
function pageStatus(fixture: RelayFixture, cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpGet(`${fixture.origin}/`, { agent: false, headers: { Cookie: cookie } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', reject);
  });
}

/** The outcome of a socket opened with this cookie: 101 when it opens, else the refused upgrade's status. */
function socketStatus(fixture: RelayFixture, cookie: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(fixture.socketUrl, { headers: { Origin: fixture.origin, Cookie: cookie } });
    socket.on('unexpected-response', (_request, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(101);
      socket.close();
    });
    socket.on('error', () => undefined);
  });
}

describe('relay sessions (signed cookies)', function () {
  this.timeout(30_000);
  let stateDir: string;
  const page = (_request: unknown, response: { writeHead(status: number): void; end(): void }) => {
    response.writeHead(200);
    response.end();
  };
  beforeEach(() => (stateDir = mkdtempSync(join(tmpdir(), 'relay-state-'))));
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  it('a session survives a restart of the relay on the same state directory, whose key file is 0600', async () => {
    const first = await startRelayFixture({ stateDir, page, upstream: () => new FakeTransport() });
    const cookie = await first.signIn();
    expect(await pageStatus(first, cookie)).to.equal(200);
    const port = Number(new URL(first.origin).port);
    await first.close();
    expect(statSync(join(stateDir, 'session-key')).mode & 0o777).to.equal(0o600);

    const second = await startRelayFixture({ stateDir, page, upstream: () => new FakeTransport() }, port);
    try {
      expect(await pageStatus(second, cookie)).to.equal(200);
      expect(await socketStatus(second, cookie)).to.equal(101);
    } finally {
      await second.close();
    }
  });

  it('without a state directory a restart signs the browser out', async () => {
    const first = await startRelayFixture({ page, upstream: () => new FakeTransport() });
    const cookie = await first.signIn();
    const port = Number(new URL(first.origin).port);
    await first.close();
    const second = await startRelayFixture({ page, upstream: () => new FakeTransport() }, port);
    try {
      expect(await pageStatus(second, cookie)).to.equal(401);
    } finally {
      await second.close();
    }
  });

  it('rotating the key signs everyone out, closes their sockets (1008), and persists the new key', async () => {
    const fixture = await startRelayFixture({ stateDir, page, upstream: () => new FakeTransport() });
    try {
      const cookie = await fixture.signIn();
      const socket = new WebSocket(fixture.socketUrl, { headers: { Origin: fixture.origin, Cookie: cookie } });
      await new Promise((resolve) => socket.once('open', resolve));
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      const before = readFileSync(join(stateDir, 'session-key'), 'utf8');
      fixture.relay.rotateSessionKey();
      expect(await closed).to.equal(1008);
      expect(await pageStatus(fixture, cookie)).to.equal(401);
      expect(await socketStatus(fixture, cookie)).to.equal(401);
      expect(readFileSync(join(stateDir, 'session-key'), 'utf8')).to.not.equal(before);
      expect(statSync(join(stateDir, 'session-key')).mode & 0o777).to.equal(0o600);
    } finally {
      await fixture.close();
    }
  });

  it('refuses forged, altered, truncated and expired cookies', () => {
    let now = 1_000_000;
    const store = new RelaySessionStore({ stateDir, maxAgeMs: DAY_MS, now: () => now });
    const good = store.issue();
    expect(store.verify(good)).to.equal(true);
    const [version, issued, nonce, mac] = good.split('.') as [string, string, string, string];
    const forged = [
      undefined,
      '',
      'x',
      `${version}.${issued}.${nonce}`,
      `${version}.${Number(issued) + 1}.${nonce}.${mac}`, // a later issue time, to outlive the maximum age
      `${version}.${issued}.${nonce}x.${mac}`,
      `${version}.${issued}.${nonce}.${mac.slice(0, -1)}`,
      `v2.${issued}.${nonce}.${mac}`,
      `${good}.extra`,
      new RelaySessionStore({ maxAgeMs: DAY_MS, now: () => now }).issue(), // signed with another key
      good.repeat(20),
    ];
    for (const value of forged) expect(store.verify(value), String(value)).to.equal(false);
    now += DAY_MS + 1;
    expect(store.verify(good)).to.equal(false);
  });

  it('refuses a key file that others can read instead of using it', () => {
    new RelaySessionStore({ stateDir, maxAgeMs: DAY_MS });
    chmodSync(join(stateDir, 'session-key'), 0o644);
    expect(() => new RelaySessionStore({ stateDir, maxAgeMs: DAY_MS })).to.throw(/may be read by others/);
    writeFileSync(join(stateDir, 'session-key'), 'short\n', { mode: 0o600 });
    chmodSync(join(stateDir, 'session-key'), 0o600);
    expect(() => new RelaySessionStore({ stateDir, maxAgeMs: DAY_MS })).to.throw(/too short/);
  });
});
