import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import { AGENT_ROLES, ASSISTANCE_HUB_ROUTES as ROUTES } from '../../shared/assistance/hub-routes.js';
import { agentMessageSchema, codeSchema, MAX_FRAMES_CHARS, normalizeCode, pcMessageSchema } from '../../shared/assistance/protocol.js';
import { GuichetError } from '../../shared/errors.js';
import { requireAuth, requirePermission, requireService } from '../accounts/auth.js';
import { parseRequest } from '../contract.js';
import type { HubDomainContext } from '../domain/hub-domain.js';
import { createRelay } from './relay.js';
import { requestStaff, requireStaff } from '../console/staff-auth.js';
import { assistanceDb, claimByCode, createSession, historyOf, type LiveSessionRow, sessionOfPc } from './store.js';

/** A frame batch plus its JSON envelope. */
const MAX_PAYLOAD = MAX_FRAMES_CHARS * 2 + 64 * 1024;
/** The agent's first message (the code) must come within this delay. */
const JOIN_DELAY_MS = 60_000;

declare module 'fastify' {
  interface FastifyRequest {
    assistanceSession?: LiveSessionRow;
  }
}

function parse(raw: RawData): unknown {
  try {
    return JSON.parse(raw.toString());
  } catch {
    return null;
  }
}

function refuse(socket: WebSocket, message: string): void {
  socket.send(JSON.stringify({ t: 'error', message }));
  socket.close(1008, 'refused');
}

/** The cookie-authenticated socket of the console only from the hub's own pages (no cross-site WebSocket hijacking). */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export async function registerAssistanceRoutes(app: FastifyInstance, ctx: HubDomainContext): Promise<void> {
  const db = assistanceDb(ctx.db);
  const log = app.log as unknown as Logger;
  const relay = createRelay(db, log);
  app.addHook('onClose', async () => relay.close());
  await app.register(websocket, { options: { maxPayload: MAX_PAYLOAD } });

  const guards = [requireService('assistance')];

  app.post(ROUTES.assistanceCreate.path, { onRequest: [...guards, requirePermission('assistance.request')] }, async (request, reply) => {
    const session = await createSession(db, requireAuth(request));
    return reply.code(201).send(session);
  });

  app.get(ROUTES.assistanceHistory.path, { onRequest: [...guards, requirePermission('assistance.history')] }, async (request) =>
    historyOf(db, requireAuth(request).communeId),
  );

  app.get(ROUTES.assistanceConsoleSessions.path, { config: { console: true }, onRequest: requireStaff(...AGENT_ROLES) }, async () =>
    historyOf(db, 'all'),
  );

  app.get(
    ROUTES.assistancePcSocket.path,
    {
      websocket: true,
      onRequest: [...guards, requirePermission('assistance.request')],
      // Before the upgrade: a PC reaches only its own device's open session.
      preValidation: async (request) => {
        const { params } = parseRequest(ROUTES.assistancePcSocket, request);
        const row = await sessionOfPc(db, params.id, requireAuth(request));
        if (!row) throw new GuichetError('not_found', "Cette demande d'aide est terminée ou n'existe pas.", 'assistance session not open');
        request.assistanceSession = row;
      },
    },
    (socket, request) => {
      const row = request.assistanceSession as LiveSessionRow;
      relay.attachPc(row, socket);
      socket.on('message', (raw) => {
        const parsed = pcMessageSchema.safeParse(parse(raw));
        if (!parsed.success) return refuse(socket, 'Message du poste illisible.');
        relay.fromPc(row.id, parsed.data);
      });
      socket.on('close', () => void relay.end(row.id, 'disconnected'));
    },
  );

  app.get(
    ROUTES.assistanceAgentSocket.path,
    {
      websocket: true,
      config: { console: true },
      onRequest: [
        async (request) => {
          if (!sameOrigin(request)) throw new GuichetError('forbidden', 'Origine refusée.', 'assistance agent cross-origin');
        },
        requireStaff(...AGENT_ROLES),
      ],
    },
    (socket, request) => {
      const staff = requestStaff(request);
      const agent = { id: staff.staffId, name: staff.displayName };
      let sessionId: string | null = null;
      let joining = false;
      const joinTimer = setTimeout(() => sessionId === null && refuse(socket, 'Aucun code reçu.'), JOIN_DELAY_MS);
      joinTimer.unref();
      socket.on('message', (raw) => {
        const parsed = agentMessageSchema.safeParse(parse(raw));
        if (!parsed.success) return refuse(socket, 'Message de la console illisible.');
        const m = parsed.data;
        if (sessionId !== null) {
          if (m.t !== 'join') relay.fromAgent(sessionId, m);
          return;
        }
        if (m.t !== 'join' || joining) return;
        joining = true;
        void join(normalizeCode(m.code)).finally(() => {
          joining = false;
        });
      });
      async function join(code: string): Promise<void> {
        const claim = codeSchema.safeParse(code).success ? await claimByCode(db, code, agent) : null;
        if (!claim?.ok || !relay.attachAgent(claim.id, agent, socket)) {
          socket.send(
            JSON.stringify({
              t: 'error',
              message: claim && !claim.ok ? claim.message : 'Ce code ne correspond à aucune demande en cours.',
            }),
          );
          return;
        }
        sessionId = claim.id;
        clearTimeout(joinTimer);
        log.info({ session: sessionId, agent: agent.id }, 'assistance agent joined');
      }
      socket.on('close', () => {
        clearTimeout(joinTimer);
        if (sessionId) void relay.end(sessionId, 'disconnected');
      });
    },
  );
}
