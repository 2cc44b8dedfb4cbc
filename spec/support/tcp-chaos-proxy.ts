import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP (or unix socket) proxy between a client and a server that a spec can break on purpose: cut every
 * connection at once, refuse new ones for a while (a network gap), stall traffic without closing,
 * or point it at another port (a server restarted behind the same address).
 */
export class TcpChaosProxy {
  private readonly pairs = new Set<{ readonly client: Socket; readonly upstream: Socket }>();
  private refusing = false;
  private stalled = false;
  private serverStalled = false;
  /** Connections accepted so far (refused ones included). */
  accepted = 0;

  private constructor(
    private readonly server: Server,
    private target: number | string,
    /** The TCP port listened on (0 for a unix socket proxy). */
    readonly port: number,
  ) {}

  /** Starts a proxy on 127.0.0.1 (a port the kernel picks) forwarding to `127.0.0.1:targetPort`. */
  static async start(targetPort: number): Promise<TcpChaosProxy> {
    return TcpChaosProxy.listen(targetPort, (server, done) => server.listen(0, '127.0.0.1', done));
  }

  /** Starts a proxy listening on the unix socket `listenPath`, forwarding to the unix socket `targetPath`. */
  static async startUnix(targetPath: string, listenPath: string): Promise<TcpChaosProxy> {
    return TcpChaosProxy.listen(targetPath, (server, done) => server.listen(listenPath, done));
  }

  private static async listen(target: number | string, listen: (server: Server, done: () => void) => void): Promise<TcpChaosProxy> {
    let proxy: TcpChaosProxy | undefined;
    const server = createServer((client) => proxy?.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      listen(server, resolve);
    });
    const address = server.address();
    proxy = new TcpChaosProxy(server, target, address !== null && typeof address === 'object' ? address.port : 0);
    return proxy;
  }

  /** `ws://127.0.0.1:PORT` of the proxy. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Connections open through the proxy now. */
  get open(): number {
    return this.pairs.size;
  }

  /** Destroys every open connection on both sides, as a network failure would (no close handshake). */
  cutAll(): void {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  /** While true, new connections are closed as soon as they are accepted. */
  refuse(refusing: boolean): void {
    this.refusing = refusing;
  }

  /** While true, nothing is forwarded in either direction; the connections stay open. */
  stall(stalled: boolean): void {
    this.stalled = stalled;
    for (const { client, upstream } of this.pairs) {
      if (stalled) {
        client.pause();
        upstream.pause();
      } else {
        client.resume();
        upstream.resume();
      }
    }
  }

  /**
   * While true, nothing is forwarded from the server to the client (requests still reach the
   * server): with a cut after it, the answers to what the server got are lost.
   */
  stallFromServer(stalled: boolean): void {
    this.serverStalled = stalled;
    for (const { upstream } of this.pairs) {
      if (stalled) upstream.pause();
      else upstream.resume();
    }
  }

  /** Forwards new connections to another port (a server restarted elsewhere). */
  retarget(port: number): void {
    this.target = port;
  }

  /** Cuts everything and stops listening. */
  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.accepted += 1;
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = typeof this.target === 'number' ? connect({ host: '127.0.0.1', port: this.target }) : connect({ path: this.target });
    const pair = { client, upstream };
    this.pairs.add(pair);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
    if (this.stalled) {
      client.pause();
      upstream.pause();
    }
    if (this.serverStalled) upstream.pause();
  }
}
