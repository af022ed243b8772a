/**
 * One error type crosses every boundary (hub → client → renderer): a stable
 * machine code for logs and tests, a plain-French message for the user.
 * Never put personal data (names, birth dates) in `message` or `detail`:
 * both can end up in logs and helpdesk views.
 */
export type ErrorCode =
  | 'bad_request'
  | 'invalid_input'
  | 'unauthenticated'
  | 'forbidden'
  | 'service_not_enabled'
  | 'not_found'
  | 'conflict'
  | 'stale_version'
  | 'rate_limited'
  | 'resync_required'
  | 'upgrade_required'
  | 'offline'
  | 'hub_unavailable'
  | 'import_rejected'
  | 'mass_deletion_pending'
  | 'confirmation_required'
  | 'password_change_required'
  | 'internal';

export interface ErrorBody {
  code: ErrorCode;
  /** Sentence in French, shown as is to the user. */
  message: string;
  /** Technical precision for the log (line number, field name…), never personal data. */
  detail?: string;
}

export class GuichetError extends Error {
  readonly code: ErrorCode;
  readonly detail?: string;
  constructor(code: ErrorCode, message: string, detail?: string) {
    super(message);
    this.name = 'GuichetError';
    this.code = code;
    this.detail = detail;
  }
  toBody(): ErrorBody {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
  static fromBody(body: ErrorBody): GuichetError {
    return new GuichetError(body.code, body.message, body.detail);
  }
}

export function isErrorBody(x: unknown): x is ErrorBody {
  return typeof x === 'object' && x !== null && typeof (x as ErrorBody).code === 'string' && typeof (x as ErrorBody).message === 'string';
}

/** The one sentence a user reads when their role lacks a permission (PC comfort check and hub refusal alike). */
export const ROLE_REFUSED_MESSAGE = "Votre rôle ne permet pas cette action. Demandez au maire s'il faut l'ouvrir à votre compte.";

/** The refusal for a role without `permission` (the permission name goes to the log only). */
export function roleRefused(role: string, permission: string): GuichetError {
  return new GuichetError('forbidden', ROLE_REFUSED_MESSAGE, `role ${role} lacks ${permission}`);
}
