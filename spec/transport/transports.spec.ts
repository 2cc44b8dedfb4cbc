import { expect } from 'chai';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { filter, firstValueFrom, lastValueFrom, take, timeout, toArray } from 'rxjs';
import { AuthenticationError } from '../../src/errors/authentication-error.js';
import { CodexBinaryNotFoundError } from '../../src/errors/codex-binary-not-found-error.js';
import { TransportClosedError } from '../../src/errors/transport-closed-error.js';
import { resolveCodexBinary } from '../../src/transport/codex-binary.js';
import type { JsonRpcMessage } from '../../src/jsonrpc/json-rpc-message.js';
import { StdioTransport } from '../../src/transport/stdio-transport.js';
import type { Transport } from '../../src/transport/transport.js';
import { UnixSocketTransport } from '../../src/transport/unix-socket-transport.js';
import { WebSocketTransport } from '../../src/transport/websocket-transport.js';
import { createCodexHome, isProcessAlive, startUnixSocketServer, startWebSocketServer, type TempCodexHome } from '../support/server-processes.js';

const INITIALIZE = {
  id: 1,
  method: 'initialize',
  params: { clientInfo: { name: 't', version: '0' }, capabilities: { experimentalApi: true } },
} as const;

interface InitializeResult {
  readonly userAgent: string;
  readonly codexHome: string;
}

/** Sends initialize + initialized and returns the initialize result. */
async function initialize(transport: Transport): Promise<InitializeResult> {
  const response = firstValueFrom(
    transport.frames$.pipe(
      filter((message): message is JsonRpcMessage & { id: number; result: InitializeResult } => 'id' in message && message.id === 1),
      timeout(15_000),
    ),
  );
  transport.send(INITIALIZE);
  const { result } = await response;
  transport.send({ method: 'initialized' });
  return result;
}

async function expectRejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  expect.fail('expected a rejection');
}

describe('transports against the real app-server', function () {
  this.timeout(30_000);
  let home: TempCodexHome;

  beforeEach(async () => {
    home = await createCodexHome();
  });
  afterEach(async () => {
    await home.dispose();
  });

  describe('StdioTransport', () => {
    it('initializes over stdio and completes frames$ on close()', async () => {
      const transport = new StdioTransport({ env: home.env, configOverrides: { 'analytics.enabled': 'false' } });
      expect(transport.command.slice(1)).to.deep.equal(['app-server', '--listen', 'stdio://', '-c', 'analytics.enabled=false']);
      const ended = lastValueFrom(transport.frames$.pipe(toArray()));

      const result = await initialize(transport);
      expect(result.userAgent).to.be.a('string').and.contain('t/');
      expect(result.codexHome).to.equal(home.dir);

      await transport.close();
      const frames = await ended;
      expect(frames.some((frame) => 'id' in frame && frame.id === 1)).to.equal(true);
    });

    it('holds frames that arrive before the first subscriber', async () => {
      const transport = new StdioTransport({ env: home.env });
      try {
        transport.send(INITIALIZE);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const first = await firstValueFrom(transport.frames$.pipe(take(1), timeout(15_000)));
        expect(first).to.include({ id: 1 });
      } finally {
        await transport.close();
      }
    });

    it('errors frames$ with TransportClosedError naming the signal when the server is killed', async () => {
      const transport = new StdioTransport({ env: home.env });
      await initialize(transport);
      const ended = lastValueFrom(transport.frames$);
      process.kill(transport.pid!, 'SIGKILL');

      const error = await expectRejection(ended);
      expect(error).to.be.instanceOf(TransportClosedError);
      const closed = error as TransportClosedError;
      expect(closed.signal).to.equal('SIGKILL');
      expect(closed.message).to.contain('SIGKILL');
      expect(() => transport.send({ method: 'initialized' })).to.throw(TransportClosedError);
      await transport.close(); // still fine after the process died
    });

    it('reports the exit code and stderr tail when the server exits on its own', async () => {
      // An unsupported --listen URL makes the server exit at once, after writing why on stderr.
      const transport = new StdioTransport({ env: home.env, args: ['app-server', '--listen', 'bogus://nowhere'] });
      const error = await expectRejection(lastValueFrom(transport.frames$));
      expect(error).to.be.instanceOf(TransportClosedError);
      const closed = error as TransportClosedError;
      expect(closed.exitCode).to.be.a('number').and.not.equal(0);
      expect(closed.stderrTail.join('\n')).to.match(/bogus|listen|unsupported/i);
      expect(closed.message).to.contain('exit code');
    });

    it('errors frames$ with TransportClosedError when the executable cannot be started', async () => {
      // Executable, so resolution accepts it, but its interpreter does not exist: spawn fails.
      const file = join(home.dir, 'broken-codex');
      await writeFile(file, '#!/nonexistent/interpreter\n');
      await chmod(file, 0o755);
      const transport = new StdioTransport({ codexBin: file });
      const error = await expectRejection(lastValueFrom(transport.frames$));
      expect(error).to.be.instanceOf(TransportClosedError);
      expect((error as Error).message).to.contain('could not start').and.contain(file);
      expect(() => transport.send(INITIALIZE)).to.throw(TransportClosedError);
      await transport.close();
    });

    it('close() is idempotent, reaps the child, and send() afterwards throws', async () => {
      const transport = new StdioTransport({ env: home.env });
      await initialize(transport);
      const pid = transport.pid!;
      expect(isProcessAlive(pid)).to.equal(true);

      const first = transport.close();
      const second = transport.close();
      expect(second).to.equal(first);
      await Promise.all([first, second]);
      await transport.close();
      expect(isProcessAlive(pid)).to.equal(false);
      expect(() => transport.send({ method: 'initialized' })).to.throw(TransportClosedError);
    });

    it('escalates to signals when the child ignores EOF on stdin', async () => {
      // `sleep` never reads stdin, so only the SIGTERM step can end it.
      const transport = new StdioTransport({ codexBin: 'sleep', args: ['30'], closeGraceMs: 200 });
      const ended = lastValueFrom(transport.frames$.pipe(toArray()));
      const started = Date.now();
      await transport.close();
      expect(Date.now() - started).to.be.lessThan(2_000);
      expect(isProcessAlive(transport.pid!)).to.equal(false);
      expect(await ended).to.deep.equal([]);
    });
  });

  describe('resolveCodexBinary', () => {
    it('finds the pinned platform binary', () => {
      expect(resolveCodexBinary({ env: {} })).to.match(/@openai[\\/]codex-[a-z0-9]+-[a-z0-9]+[\\/]vendor[\\/].+[\\/]codex(\.exe)?$/);
    });

    it('throws CodexBinaryNotFoundError listing what was tried for a missing binary', () => {
      expect(() => new StdioTransport({ codexBin: '/nonexistent/codex' }))
        .to.throw(CodexBinaryNotFoundError)
        .with.property('message')
        .that.contains('/nonexistent/codex')
        .and.contains('does not exist');
      expect(() => resolveCodexBinary({ env: { CODEX_BIN: '/nowhere/codex' } }))
        .to.throw(CodexBinaryNotFoundError)
        .with.property('message')
        .that.contains('CODEX_BIN');
      expect(() => resolveCodexBinary({ codexBin: 'no-such-codex-command', env: { PATH: '/usr/bin:/bin' } }))
        .to.throw(CodexBinaryNotFoundError)
        .with.property('message')
        .that.contains('no-such-codex-command');
    });

    it('rejects a file that is not executable', async () => {
      const file = join(home.dir, 'codex');
      await writeFile(file, '#!/bin/sh\n');
      await chmod(file, 0o644);
      try {
        resolveCodexBinary({ codexBin: file });
        expect.fail('expected CodexBinaryNotFoundError');
      } catch (error) {
        expect(error).to.be.instanceOf(CodexBinaryNotFoundError);
        expect((error as CodexBinaryNotFoundError).attempts).to.deep.equal([
          { source: 'codexBin option', path: file, reason: 'not executable (chmod +x?)' },
        ]);
      }
    });
  });

  describe('WebSocketTransport', () => {
    const token = 'tok-3f9c1d7e-capability';

    it('initializes with a capability token', async () => {
      const server = await startWebSocketServer(home, token);
      try {
        const transport = await WebSocketTransport.connect(server.url, { token: async () => token });
        const result = await initialize(transport);
        expect(result.userAgent).to.be.a('string');
        expect(result.codexHome).to.equal(home.dir);
        const ended = lastValueFrom(transport.frames$.pipe(toArray()));
        await transport.close();
        await transport.close();
        await ended;
      } finally {
        await server.stop();
      }
    });

    it('rejects a wrong or missing token with AuthenticationError that never shows the token', async () => {
      const server = await startWebSocketServer(home, token);
      try {
        const wrong = 'wrong-secret-98765';
        const error = await expectRejection(WebSocketTransport.connect(server.url, { token: wrong }));
        expect(error).to.be.instanceOf(AuthenticationError);
        const auth = error as AuthenticationError;
        expect(auth.status).to.equal(401);
        expect(auth.message).to.contain(server.url);
        expect(auth.message).to.contain('401');
        expect(auth.message).not.to.contain(wrong);
        expect(auth.message).not.to.contain(token);
        expect(String(auth.stack)).not.to.contain(wrong);

        const missing = await expectRejection(WebSocketTransport.connect(server.url));
        expect(missing).to.be.instanceOf(AuthenticationError);
        expect((missing as AuthenticationError).status).to.equal(401);
      } finally {
        await server.stop();
      }
    });

    it('errors frames$ with TransportClosedError when the server goes away', async () => {
      const server = await startWebSocketServer(home, token);
      const transport = await WebSocketTransport.connect(server.url, { token });
      await initialize(transport);
      const ended = lastValueFrom(transport.frames$);
      server.child.kill('SIGKILL');
      const error = await expectRejection(ended);
      expect(error).to.be.instanceOf(TransportClosedError);
      expect((error as TransportClosedError).closeCode).to.be.a('number');
      expect(() => transport.send({ method: 'initialized' })).to.throw(TransportClosedError);
      await transport.close();
      await server.stop();
    });

    it('refuses an Origin header and a token over plain ws:// to a remote host, before connecting', async () => {
      const origin = await expectRejection(
        WebSocketTransport.connect('ws://127.0.0.1:9', { headers: { Origin: 'http://example.com' } }),
      );
      expect(origin).to.be.instanceOf(TypeError);
      expect((origin as Error).message).to.contain('Origin');

      let called = false;
      const insecure = await expectRejection(
        WebSocketTransport.connect('ws://example.com:4500', {
          token: () => {
            called = true;
            return 'secret-never-shown';
          },
        }),
      );
      expect((insecure as Error).message).to.contain('allowInsecureToken');
      expect((insecure as Error).message).not.to.contain('secret-never-shown');
      expect(called).to.equal(false);
    });

    it('fails with TransportClosedError when nothing listens', async () => {
      const error = await expectRejection(WebSocketTransport.connect('ws://127.0.0.1:9'));
      expect(error).to.be.instanceOf(TransportClosedError);
      expect((error as Error).message).to.contain('ws://127.0.0.1:9');
    });
  });

  describe('UnixSocketTransport', () => {
    it('initializes over the unix socket', async () => {
      const server = await startUnixSocketServer(home);
      try {
        const transport = await UnixSocketTransport.connect(`unix://${server.socketPath}`);
        expect(transport).to.be.instanceOf(WebSocketTransport);
        const result = await initialize(transport);
        expect(result.userAgent).to.be.a('string');
        expect(result.codexHome).to.equal(home.dir);
        await transport.close();
        await transport.close();
      } finally {
        await server.stop();
      }
    });

    it('connects to the default control socket of a Codex home with unix://', async () => {
      const server = await startUnixSocketServer(home, join(home.dir, 'app-server-control', 'app-server-control.sock'));
      try {
        const transport = await UnixSocketTransport.connect('unix://', { codexHome: home.dir });
        expect((await initialize(transport)).codexHome).to.equal(home.dir);
        await transport.close();
      } finally {
        await server.stop();
      }
    });

    it('fails with TransportClosedError naming the socket when nothing listens', async () => {
      const path = join(home.dir, 'missing.sock');
      const error = await expectRejection(UnixSocketTransport.connect(path));
      expect(error).to.be.instanceOf(TransportClosedError);
      expect((error as Error).message).to.contain(`unix://${path}`);
    });
  });
});
