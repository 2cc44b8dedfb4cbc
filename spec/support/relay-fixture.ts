import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRelay } from '../../src/relay/create-relay.js';
import type { Relay } from '../../src/relay/relay.js';
import type { RelayOptions } from '../../src/relay/relay-options.js';

/** A relay on 127.0.0.1 at a free port, and the cookie header of a signed-in browser. */
export interface RelayFixture {
  readonly server: Server;
  readonly relay: Relay;
  readonly origin: string;
  readonly socketUrl: string;
  /** Opens the login link; returns the `Cookie` header value of the session it made. */
  signIn(): Promise<string>;
  close(): Promise<void>;
}

export async function startRelayFixture(
  options: RelayOptions & { readonly page?: (request: IncomingMessage, response: ServerResponse) => void } = {},
  /** The port to listen on (a restarted relay takes its predecessor's); default: a free one. */
  port = 0,
): Promise<RelayFixture> {
  const server = createServer();
  const relay = createRelay(server, options);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    relay,
    origin,
    socketUrl: `${origin.replace('http', 'ws')}/codex`,
    signIn: async () => {
      const response = await fetch(relay.loginUrl(origin), { redirect: 'manual' });
      const setCookie = response.headers.get('set-cookie') ?? '';
      return setCookie.split(';')[0] ?? '';
    },
    close: async () => {
      await relay.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
