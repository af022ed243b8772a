import { timeStep } from '../../shared/sync/step-timer.js';
import WebSocket from 'ws';
import axios, { type AxiosError, type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { gzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import type { HubRouteSpec, RequestBody, RequestQuery, ResponseBody } from '../../shared/api/contract.js';
import { HUB_CONTRACT, type HubContract } from '../../shared/domains.js';
import type { FileRouteSet } from '../../shared/files/routes.js';

/** The files routes used when a caller names none: the acts' (the first domain with files). */
const ACTS_FILES: FileRouteSet = { status: HUB_CONTRACT.fileStatus, upload: HUB_CONTRACT.fileUpload, download: HUB_CONTRACT.fileDownload };
import { GuichetError, isErrorBody } from '../../shared/errors.js';
import { CLIENT_SCHEMA_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../shared/sync/protocol.js';
import { backoffDelay, DEFAULT_RETRY, sleep, type RetryPolicy } from './retry.js';

export const OFFLINE_MESSAGE =
  'Le hub est injoignable : vos modifications sont gardées sur ce poste et seront envoyées au retour de la connexion.';

export interface HubClientOptions {
  baseUrl: string;
  /** Bearer token of the session; null for enroll/login. Read on each call (logout clears it). */
  token?: () => string | null;
  /** Local schema versions per domain sent in `x-guichet-client-schema` (`core=3, electoral=1, acts=1`). */
  clientSchema: string;
  log: Logger;
  timeoutMs?: number;
  /** Pushes may carry a whole electoral import (default 5 min; the hub applies 100k electors in one transaction). */
  pushTimeoutMs?: number;
  /** Request bodies larger than this are gzipped. */
  gzipThresholdBytes?: number;
  retry?: RetryPolicy;
}

type HubRouteName = keyof HubContract;
/** Request and answer types of a hub route, taken from the contract (shared/api/hub.ts and the domains' routes). */
type Body<N extends HubRouteName> = RequestBody<HubContract[N]>;
type Query<N extends HubRouteName> = RequestQuery<HubContract[N]>;
type Answer<N extends HubRouteName> = ResponseBody<HubContract[N]>;

export interface HubClient {
  readonly baseUrl: string;
  health(): Promise<Answer<'health'>>;
  enroll(body: Body<'enroll'>): Promise<Answer<'enroll'>>;
  login(body: Body<'login'>): Promise<Answer<'login'>>;
  logout(): Promise<void>;
  me(): Promise<Answer<'me'>>;
  listUsers(): Promise<Answer<'listUsers'>>;
  createUser(body: Body<'createUser'>): Promise<Answer<'createUser'>>;
  disableUser(id: string): Promise<Answer<'disableUser'>>;
  listDevices(): Promise<Answer<'listDevices'>>;
  /** The mayor gives a nominative permission (`owners.read`) to an account. */
  grantPermission(id: string, permission: string): Promise<Answer<'grantPermission'>>;
  withdrawPermission(id: string, permission: string): Promise<Answer<'withdrawPermission'>>;
  /** Records a relevé given to someone outside the town hall (the hub counts 5/week, 10/month per requester). */
  ownersCommunicate(body: Body<'ownersCommunicate'>): Promise<Answer<'ownersCommunicate'>>;
  revokeDevice(id: string, options?: { resetPasswords?: boolean }): Promise<Answer<'revokeDevice'>>;
  resetPassword(id: string): Promise<Answer<'resetPassword'>>;
  changePassword(body: Body<'changePassword'>): Promise<Answer<'changePassword'>>;
  push(body: Body<'syncPush'>): Promise<Answer<'syncPush'>>;
  pull(query: Query<'syncPull'>): Promise<Answer<'syncPull'>>;
  snapshot(query: Query<'syncSnapshot'>): Promise<Answer<'syncSnapshot'>>;
  /**
   * Files module (shared/files/routes.ts): `routes` are the owning domain's three file routes
   * (the acts' when absent). Bytes of a content-addressed file the hub already holds (0 when it has none).
   */
  fileOffset(sha256: string, routes?: FileRouteSet): Promise<number>;
  /** Appends `chunk` at `offset` of a file of `total` bytes; answers the hub's new offset. */
  uploadFileChunk(sha256: string, offset: number, total: number, chunk: Buffer, routes?: FileRouteSet): Promise<number>;
  downloadFile(sha256: string, routes?: FileRouteSet): Promise<Buffer>;
  /** The département's trust list for signatures (public route, short timeout: the PC keeps a copy). */
  trustList(): Promise<Answer<'trustList'>>;
  /** Remote assistance: a session and its code for this PC. */
  createAssistance(): Promise<Answer<'assistanceCreate'>>;
  assistanceHistory(): Promise<Answer<'assistanceHistory'>>;
  /** What this PC says about itself to the console (version, queue, update state), after each sync. */
  deviceReport(body: Body<'deviceReport'>): Promise<void>;
  /** An authenticated WebSocket to a hub path (outbound only: the PC stays behind the town hall's box). */
  openSocket(path: string): WebSocket;
}

/**
 * Whether a call may be sent twice. Pushes are idempotent by protocol
 * ((device, mutation) applied once), reads trivially. Enroll/login/admin
 * calls are retried only when the request provably never reached the hub.
 */
const IDEMPOTENT: ReadonlySet<HubRouteName> = new Set([
  'health',
  'me',
  'listUsers',
  'listDevices',
  'syncPush',
  'syncPull',
  'syncSnapshot',
  'logout',
  // Recorded once per id by the hub, which answers the stored communication to a retry.
  'ownersCommunicate',
]);

const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function createHubClient(options: HubClientOptions): HubClient {
  const { log } = options;
  const retry = options.retry ?? DEFAULT_RETRY;
  const gzipThreshold = options.gzipThresholdBytes ?? 64 * 1024;
  const http: AxiosInstance = axios.create({
    baseURL: options.baseUrl.replace(/\/+$/, ''),
    timeout: options.timeoutMs ?? 15_000,
    headers: {
      [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
      [CLIENT_SCHEMA_HEADER]: options.clientSchema,
      'Accept-Encoding': 'gzip',
    },
    decompress: true,
    maxBodyLength: Infinity,
    maxContentLength: Infinity,
    // Status handling is ours: every non-2xx becomes a GuichetError below.
    validateStatus: () => true,
    // A timeout reads as ETIMEDOUT (not a generic abort) in the log detail.
    transitional: { clarifyTimeoutError: true },
  });

  async function call<N extends HubRouteName>(
    route: N,
    config: { params?: Record<string, string>; query?: object; body?: unknown; timeoutMs?: number } = {},
  ): Promise<Answer<N>> {
    const spec: HubRouteSpec = HUB_CONTRACT[route];
    let path: string = spec.path;
    for (const [k, v] of Object.entries(config.params ?? {})) path = path.replace(`:${k}`, encodeURIComponent(v));
    const headers: Record<string, string> = {};
    const token = options.token?.() ?? null;
    if (token) headers.Authorization = `Bearer ${token}`;
    let data: unknown;
    if (config.body !== undefined) {
      const json = JSON.stringify(config.body);
      headers['Content-Type'] = 'application/json';
      if (Buffer.byteLength(json) > gzipThreshold) {
        data = gzipSync(json);
        headers['Content-Encoding'] = 'gzip';
      } else {
        data = json;
      }
    }
    const request: AxiosRequestConfig = {
      method: spec.method,
      url: path,
      params: config.query,
      data,
      headers,
      timeout: config.timeoutMs,
    };
    for (let attempt = 1; ; attempt++) {
      let failure: GuichetError;
      let retryable: boolean;
      try {
        const res = await http.request(request);
        if (res.status >= 200 && res.status < 300)
          return timeStep('pc.answer-check', () => checkAnswer(spec, res.status, res.data)) as Answer<N>;
        failure = isErrorBody(res.data)
          ? GuichetError.fromBody(res.data)
          : new GuichetError(
              res.status >= 500 ? 'hub_unavailable' : 'bad_request',
              hubStatusMessage(res.status),
              `${spec.method} ${spec.path} → HTTP ${res.status}`,
            );
        retryable = res.status >= 500 || res.status === 429;
      } catch (err) {
        // The hub answered, but not what the contract says: the request was applied, never send it again.
        if (err instanceof GuichetError) {
          log.info({ route, attempt, code: err.code, detail: err.detail }, 'hub call failed');
          throw err;
        }
        const code = (err as AxiosError).code ?? 'unknown';
        failure = new GuichetError('offline', OFFLINE_MESSAGE, `${spec.method} ${spec.path}: ${code} ${(err as Error).message}`);
        retryable = IDEMPOTENT.has(route) || NEVER_SENT_CODES.has(code);
      }
      if (!retryable || attempt >= retry.attempts) {
        log.info({ route, attempt, code: failure.code, detail: failure.detail }, 'hub call failed');
        throw failure;
      }
      const delay = backoffDelay(retry, attempt);
      log.debug({ route, attempt, delay, code: failure.code, detail: failure.detail }, 'hub call retried');
      await sleep(delay);
    }
  }

  /**
   * File routes (tus-like, shared/api/hub.ts): not retried here, the uploader resumes
   * from the hub's offset at the next attempt, so a retry never sends a byte twice blindly.
   */
  async function fileCall(spec: HubRouteSpec, sha256: string, extra: AxiosRequestConfig = {}) {
    const headers: Record<string, string> = { ...(extra.headers as Record<string, string> | undefined) };
    const token = options.token?.() ?? null;
    if (token) headers.Authorization = `Bearer ${token}`;
    let res: AxiosResponse<unknown>;
    try {
      res = await http.request({
        ...extra,
        method: spec.method,
        url: spec.path.replace(':sha256', sha256),
        headers,
        timeout: extra.timeout ?? options.pushTimeoutMs ?? 300_000,
      });
    } catch (err) {
      throw new GuichetError(
        'offline',
        OFFLINE_MESSAGE,
        `${spec.method} ${spec.path}: ${(err as AxiosError).code ?? 'unknown'} ${(err as Error).message}`,
      );
    }
    if (res.status >= 200 && res.status < 300) return res;
    if (spec.method === 'HEAD' && res.status === 404) return res;
    let body: unknown = res.data;
    if (Buffer.isBuffer(body)) {
      try {
        body = JSON.parse(body.toString('utf8'));
      } catch {
        body = null;
      }
    }
    throw isErrorBody(body)
      ? GuichetError.fromBody(body)
      : new GuichetError(
          res.status >= 500 ? 'hub_unavailable' : 'bad_request',
          hubStatusMessage(res.status),
          `${spec.method} ${spec.path} → HTTP ${res.status}`,
        );
  }

  const offsetHeader = (res: { headers: Record<string, unknown> }): number => {
    const n = Number(res.headers['upload-offset']);
    return Number.isFinite(n) && n >= 0 ? n : 0;
  };

  return {
    baseUrl: options.baseUrl,
    async fileOffset(sha256, routes = ACTS_FILES) {
      const res = await fileCall(routes.status, sha256);
      return res.status === 404 ? 0 : offsetHeader(res);
    },
    async uploadFileChunk(sha256, offset, total, chunk, routes = ACTS_FILES) {
      const res = await fileCall(routes.upload, sha256, {
        data: chunk,
        headers: { 'Content-Type': 'application/offset+octet-stream', 'upload-offset': String(offset), 'upload-length': String(total) },
      });
      return offsetHeader(res);
    },
    trustList: () => call('trustList', { timeoutMs: 5_000 }),
    async downloadFile(sha256, routes = ACTS_FILES) {
      const res = await fileCall(routes.download, sha256, { responseType: 'arraybuffer' });
      return Buffer.from(res.data as ArrayBuffer);
    },
    health: () => call('health'),
    enroll: (body) => call('enroll', { body }),
    login: (body) => call('login', { body }),
    logout: () => call('logout', { body: {} }),
    me: () => call('me'),
    listUsers: () => call('listUsers'),
    createUser: (body) => call('createUser', { body }),
    disableUser: (id) => call('disableUser', { params: { id }, body: {} }),
    listDevices: () => call('listDevices'),
    grantPermission: (id, permission) => call('grantPermission', { params: { id, permission }, body: {} }),
    withdrawPermission: (id, permission) => call('withdrawPermission', { params: { id, permission } }),
    ownersCommunicate: (body) => call('ownersCommunicate', { body }),
    revokeDevice: (id, o) => call('revokeDevice', { params: { id }, body: { resetPasswords: o?.resetPasswords === true } }),
    resetPassword: (id) => call('resetPassword', { params: { id }, body: {} }),
    changePassword: (body) => call('changePassword', { body }),
    push: (body) => call('syncPush', { body, timeoutMs: options.pushTimeoutMs ?? 300_000 }),
    pull: (query) => call('syncPull', { query }),
    snapshot: (query) => call('syncSnapshot', { query, timeoutMs: options.pushTimeoutMs ?? 300_000 }),
    createAssistance: () => call('assistanceCreate', { body: {} }),
    assistanceHistory: () => call('assistanceHistory'),
    deviceReport: async (body) => {
      await call('deviceReport', { body, timeoutMs: 10_000 });
    },
    openSocket(path) {
      const headers: Record<string, string> = { [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), [CLIENT_SCHEMA_HEADER]: options.clientSchema };
      const token = options.token?.() ?? null;
      if (token) headers.Authorization = `Bearer ${token}`;
      const url = `${options.baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}${path}`;
      return new WebSocket(url, { headers, maxPayload: 8 * 1024 * 1024, handshakeTimeout: options.timeoutMs ?? 15_000 });
    },
  };
}

export const MALFORMED_ANSWER_MESSAGE =
  'Le hub a envoyé une réponse que ce poste ne comprend pas : vérifiez que Guichet est à jour. Vos modifications sont gardées sur ce poste.';

/**
 * Checks a success answer against the route's schema in the contract, so a
 * proxy page or a hub of another version reads as a clear French error
 * rather than an undefined field deep in the sync engine. Answers the data
 * as received (the schemas have no defaults or transforms to apply).
 */
function checkAnswer(spec: HubRouteSpec, status: number, data: unknown): unknown {
  if (status === 204) return undefined;
  const schema = spec.responses[status]?.schema;
  if (!schema) return data;
  const parsed = schema.safeParse(data);
  if (parsed.success) return data;
  const issue = parsed.error.issues[0];
  throw new GuichetError(
    'hub_unavailable',
    MALFORMED_ANSWER_MESSAGE,
    `${spec.method} ${spec.path} → malformed answer at ${issue?.path.join('.') || '(racine)'}: ${issue?.code ?? ''}`,
  );
}

function hubStatusMessage(status: number): string {
  if (status >= 500)
    return 'Le hub est momentanément indisponible. Vos modifications sont gardées sur ce poste ; réessayez dans un instant.';
  if (status === 429) return 'Trop de demandes : patientez un instant avant de réessayer.';
  return `Le hub a refusé la demande (erreur ${status}).`;
}
