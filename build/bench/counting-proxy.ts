import { createServer, connect, type AddressInfo, type Server } from 'node:net';

/** A loopback TCP relay that counts the bytes each way: "bytes on the wire", gzip and headers included. */
export interface CountingProxy {
  url: string;
  bytesToClient: number;
  bytesToServer: number;
  reset(): void;
  close(): Promise<void>;
}

export async function startCountingProxy(target: URL): Promise<CountingProxy> {
  const sockets = new Set<import('node:net').Socket>();
  const proxy: CountingProxy = {
    url: '',
    bytesToClient: 0,
    bytesToServer: 0,
    reset() {
      proxy.bytesToClient = 0;
      proxy.bytesToServer = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    client.on('data', (b) => (proxy.bytesToServer += b.length));
    upstream.on('data', (b) => (proxy.bytesToClient += b.length));
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
