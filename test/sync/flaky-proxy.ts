import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A loopback HTTP proxy between clients and a real hub that misbehaves on
 * demand, the way a town hall's ADSL line does:
 * - `refuse = true`: every connection is cut before any byte is answered
 *   (the request never reaches the hub);
 * - `dropResponses(n)`: the request IS forwarded and the hub answers it, but
 *   the client's socket is destroyed instead of relaying the answer;
 * - `duplicateRequests(n)`: the request is sent to the hub twice (a retry the
 *   client never saw) and the second answer is relayed.
 * The target can change (hub restarted on another port), and be several hub
 * instances: requests then alternate between them, one each in turn (a
 * duplicated request goes to the next one).
 */
export interface FlakyProxy {
  readonly url: string;
  refuse: boolean;
  setTarget(url: string): void;
  /** Several hub instances on one database: each request goes to the next one in turn. */
  setTargets(urls: string[]): void;
  dropResponses(count: number, match?: (method: string, path: string) => boolean): void;
  duplicateRequests(count: number, match?: (method: string, path: string) => boolean): void;
  /** Runs after the hub answered a request and before the answer is relayed (e.g. to kill the client right there). */
  beforeReply: ((method: string, path: string) => Promise<void> | void) | null;
  readonly stats: { forwarded: number; dropped: number; duplicated: number; refused: number };
  /** Requests forwarded to each hub instance, by its host:port. */
  readonly forwardedTo: Map<string, number>;
  /** Every request seen (method, path, headers), oldest first. */
  readonly requests: Array<{ method: string; path: string; headers: IncomingMessage['headers']; bytes: number }>;
  close(): Promise<void>;
}

interface Rule {
  left: number;
  match: (method: string, path: string) => boolean;
}

const any = () => true;

export async function startFlakyProxy(target: string | string[]): Promise<FlakyProxy> {
  let upstreams = (Array.isArray(target) ? target : [target]).map((u) => new URL(u));
  let turn = 0;
  const drops: Rule[] = [];
  const dups: Rule[] = [];
  const stats = { forwarded: 0, dropped: 0, duplicated: 0, refused: 0 };
  const sockets = new Set<Socket>();
  const requests: FlakyProxy['requests'] = [];
  const forwardedTo = new Map<string, number>();

  const take = (rules: Rule[], method: string, path: string): boolean => {
    const rule = rules.find((r) => r.left > 0 && r.match(method, path));
    if (!rule) return false;
    rule.left--;
    return true;
  };

  function forward(
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
    const upstream = upstreams[turn++ % upstreams.length];
    forwardedTo.set(upstream.host, (forwardedTo.get(upstream.host) ?? 0) + 1);
    return new Promise((resolve, reject) => {
      const out = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host, connection: 'close' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });
  }

  const proxy: FlakyProxy = {
    url: '',
    refuse: false,
    beforeReply: null,
    forwardedTo,
    setTarget(url) {
      upstreams = [new URL(url)];
    },
    setTargets(urls) {
      upstreams = urls.map((u) => new URL(u));
    },
    dropResponses(count, match = any) {
      drops.push({ left: count, match });
    },
    duplicateRequests(count, match = any) {
      dups.push({ left: count, match });
    },
    stats,
    requests,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0];
    requests.push({ method, path, headers: req.headers, bytes: body.length });
    if (proxy.refuse) {
      stats.refused++;
      req.socket.destroy();
      return;
    }
    try {
      if (take(dups, method, path)) {
        stats.duplicated++;
        await forward(req, body);
      }
      const answer = await forward(req, body);
      stats.forwarded++;
      await proxy.beforeReply?.(method, path);
      if (take(drops, method, path)) {
        stats.dropped++;
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    } catch {
      // Hub down (e.g. restarting): the client sees a cut connection, as in real life.
      req.socket.destroy();
    }
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (proxy.refuse) {
      stats.refused++;
      socket.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  (proxy as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
