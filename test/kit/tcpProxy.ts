import net from 'node:net';

/**
 * A TCP proxy in front of a real server (MariaDB here) that can misbehave the ways networks and
 * databases do: refuse new connections, cut every open one, or freeze (keep sockets open and
 * forward nothing), then be healed. Fault tests point a pool at `url` instead of the server.
 */
export interface FaultProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number;
  /** `target` URL with its host and port replaced by the proxy's. */
  urlFor(target: string): string;
  /** New connections are refused (closed at once) until heal(). */
  refuse(): void;
  /** Every open connection is reset now; new ones are accepted. */
  cut(): void;
  /** Open and new connections are kept but no byte is forwarded either way until heal(). */
  freeze(): void;
  heal(): void;
  close(): Promise<void>;
}

type Mode = 'pass' | 'refuse' | 'freeze';

export async function startFaultProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
  let mode: Mode = 'pass';
  const pairs = new Set<{ client: net.Socket; server: net.Socket }>();

  const server = net.createServer((client) => {
    if (mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(targetPort, targetHost);
    const pair = { client, server: upstream };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
    if (mode === 'freeze') freezePair(pair);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  function freezePair(pair: { client: net.Socket; server: net.Socket }): void {
    pair.client.unpipe(pair.server);
    pair.server.unpipe(pair.client);
    pair.client.pause();
    pair.server.pause();
  }

  function cut(): void {
    for (const { client, server: upstream } of pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
  }

  return {
    port,
    urlFor(target) {
      const url = new URL(target);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    refuse() {
      mode = 'refuse';
    },
    cut,
    freeze() {
      mode = 'freeze';
      for (const pair of pairs) freezePair(pair);
    },
    heal() {
      if (mode === 'freeze') {
        for (const pair of pairs) {
          pair.client.pipe(pair.server);
          pair.server.pipe(pair.client);
        }
      }
      mode = 'pass';
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
