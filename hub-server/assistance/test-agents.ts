import WebSocket from 'ws';
import type { HubToAgent, HubToPc } from '../../shared/assistance/protocol.js';

/** A WebSocket client that keeps every message it receives (and every raw frame, for greps). */
export interface TestSocket<M> {
  ws: WebSocket;
  messages: M[];
  raw: string[];
  send(message: unknown): void;
  /** Resolves with the first message (already received or to come) matching `pred`. */
  next(pred: (m: M) => boolean, timeoutMs?: number): Promise<M>;
  closed: Promise<number>;
}

/** `auth`: a collectivité's bearer token, or the headers of a console agent (seedStaff: cookie). */
export function openSocket<M = HubToPc | HubToAgent>(url: string, auth: string | Record<string, string>): Promise<TestSocket<M>> {
  const headers = typeof auth === 'string' ? { authorization: `Bearer ${auth}` } : auth;
  const ws = new WebSocket(url, { headers });
  const messages: M[] = [];
  const raw: string[] = [];
  const waiters: { pred: (m: M) => boolean; resolve: (m: M) => void }[] = [];
  ws.on('message', (data) => {
    const text = data.toString();
    raw.push(text);
    const m = JSON.parse(text) as M;
    messages.push(m);
    for (const w of [...waiters])
      if (w.pred(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (req, res) => {
      // With a listener, ws leaves the refused request to us: free its socket.
      req.destroy();
      res.destroy();
      reject(new Error(`HTTP ${res.statusCode}`));
    });
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        messages,
        raw,
        closed,
        send: (message) => ws.send(JSON.stringify(message)),
        next: (pred, timeoutMs = 5000) =>
          new Promise((res, rej) => {
            const found = messages.find(pred);
            if (found) return res(found);
            const timer = setTimeout(() => rej(new Error('no such message')), timeoutMs);
            waiters.push({
              pred,
              resolve: (m) => {
                clearTimeout(timer);
                res(m);
              },
            });
          }),
      }),
    );
  });
}
