import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Transform } from 'node:stream';

/** A loopback TCP relay that counts the bytes each way: "bytes on the wire", gzip and headers included. */
export interface CountingProxy {
  url: string;
  bytesToClient: number;
  bytesToServer: number;
  reset(): void;
  close(): Promise<void>;
}

/**
 * `bytesPerSecond`: the server-to-client direction paced to that rate, as on a mairie's ADSL line (8 Mbit/s
 * down is 1 000 000 bytes/s); the other direction and latency are left as loopback gives them.
 */
export async function startCountingProxy(target: URL, opts: { bytesPerSecond?: number } = {}): Promise<CountingProxy> {
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
    client.pipe(upstream);
    (opts.bytesPerSecond ? upstream.pipe(paced(opts.bytesPerSecond)) : upstream).pipe(client);
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

/** Passes chunks on no faster than `bytesPerSecond`: each leaves when the line would have carried the ones before it. */
function paced(bytesPerSecond: number): Transform {
  let free = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const now = performance.now();
      free = Math.max(free, now) + (chunk.length / bytesPerSecond) * 1000;
      setTimeout(() => done(null, chunk), free - now);
    },
  });
}
