import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A WebSocket server that stands in for the app-server behind a relay (`--upstream ws://…`): it
 * keeps every frame that arrives, exactly as it arrived, and answers each request with an empty
 * result (or the one `result` gives), so a caller can tell a forwarded call from a refused one by the answer.
 */
export class RecordingUpstream {
  /** Every frame received, parsed, in order, over all connections. */
  readonly received: Record<string, unknown>[] = [];

  private constructor(
    private readonly server: WebSocketServer,
    result: (message: Record<string, unknown>) => unknown,
  ) {
    server.on('connection', (socket: WebSocket) => {
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as Record<string, unknown>;
        this.received.push(message);
        if (typeof message['method'] === 'string' && 'id' in message) socket.send(JSON.stringify({ id: message['id'], result: result(message) }));
      });
    });
  }

  static async start(result: (message: Record<string, unknown>) => unknown = () => ({})): Promise<RecordingUpstream> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return new RecordingUpstream(server, result);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
