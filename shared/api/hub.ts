/**
 * The client ↔ hub HTTP contract. Every route is under `/api/v1`, JSON in and
 * out (gzip both ways), authenticated with `Authorization: Bearer <token>`
 * except enroll and login. The commune is always taken from the token.
 * Errors answer `ErrorBody` (shared/errors.ts) with a fitting HTTP status.
 */
export const HUB_API_PREFIX = '/api/v1';

export const HUB_ROUTES = {
  health: { method: 'GET', path: '/health' },
  enroll: { method: 'POST', path: '/api/v1/enroll' }, // EnrollRequest → SessionGrant
  login: { method: 'POST', path: '/api/v1/login' }, // LoginRequest → SessionGrant
  logout: { method: 'POST', path: '/api/v1/logout' }, // → 204
  me: { method: 'GET', path: '/api/v1/me' }, // → MeResponse
  listUsers: { method: 'GET', path: '/api/v1/users' }, // → UserInfo[] (users.manage)
  createUser: { method: 'POST', path: '/api/v1/users' }, // CreateUserRequest → UserInfo (users.manage)
  disableUser: { method: 'POST', path: '/api/v1/users/:id/disable' }, // → UserInfo (users.manage)
  listDevices: { method: 'GET', path: '/api/v1/devices' }, // → DeviceInfo[] (users.manage)
  revokeDevice: { method: 'POST', path: '/api/v1/devices/:id/revoke' }, // → DeviceInfo (users.manage)
  syncPush: { method: 'POST', path: '/api/v1/sync/push' }, // PushRequest → PushResponse
  syncPull: { method: 'GET', path: '/api/v1/sync/pull' }, // ?epoch&cursor&limit → PullResponse | 409 resync_required
  syncSnapshot: { method: 'GET', path: '/api/v1/sync/snapshot' }, // ?asOf&after&limit → SnapshotResponse
  // Content-addressed files of the commune (acts, annexes, letters). Resumable upload:
  // HEAD answers `upload-offset` (bytes already held); PATCH appends a chunk at `upload-offset`
  // with `upload-length` = total size; the hub checks the SHA-256 when the last byte lands.
  fileStatus: { method: 'HEAD', path: '/api/v1/files/:sha256' },
  fileUpload: { method: 'PATCH', path: '/api/v1/files/:sha256' }, // → 204, header upload-offset
  fileDownload: { method: 'GET', path: '/api/v1/files/:sha256' },
  actArchive: { method: 'GET', path: '/api/v1/acts/:id/archive' }, // the .tar.gz sent to the prefecture (audit)
} as const;

export type HubRouteName = keyof typeof HUB_ROUTES;

/** HTTP status the hub uses for each error code. */
export const STATUS_OF_ERROR = {
  bad_request: 400,
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  service_not_enabled: 403,
  not_found: 404,
  conflict: 409,
  stale_version: 409,
  resync_required: 409,
  upgrade_required: 426,
  rate_limited: 429,
  import_rejected: 422,
  internal: 500,
  hub_unavailable: 503,
  offline: 503,
  mass_deletion_pending: 409,
  confirmation_required: 409,
} as const;
