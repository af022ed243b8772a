import { z } from 'zod';

/**
 * The département's staff (the console's accounts): never a collectivité's account.
 * - `administrateur`: everything: collectivités (convention, services, codes, channel), postes,
 *   the ACTES queue (requeue, resolve), update channels (rollout, pause, rollback), the audit log.
 * - `assistance`: helps the town halls: reads collectivités, postes, the ACTES queue and the audit
 *   log, joins assistance sessions; changes nothing of the platform's settings.
 */
export const STAFF_ROLES = ['administrateur', 'assistance'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const STAFF_ROLE_LABELS: Record<StaffRole, string> = {
  administrateur: 'Administrateur',
  assistance: 'Assistance',
};

export const STAFF_ROLE_DESCRIPTIONS: Record<StaffRole, string> = {
  administrateur:
    'Tout : collectivités (convention, services, codes d’inscription, canal de mise à jour), postes, file ACTES (relancer, résoudre), canaux de mise à jour (déploiement, pause, retour arrière), journal.',
  assistance:
    'Consulte collectivités, postes, file ACTES et journal ; rejoint les sessions d’assistance. Ne modifie aucun réglage de la plateforme.',
};

export const staffRoleSchema = z.enum(STAFF_ROLES);
export const staffLoginSchema = z
  .string()
  .trim()
  .min(2, 'Identifiant trop court.')
  .max(60, 'Identifiant trop long.')
  .regex(/^[a-z0-9._-]+$/, 'Identifiant : lettres minuscules, chiffres, point, tiret ou souligné.');

export const staffInfoSchema = z.object({
  id: z.string().max(100),
  login: z.string().max(60),
  displayName: z.string().max(120),
  role: staffRoleSchema,
});
export type StaffInfo = z.infer<typeof staffInfoSchema>;

export const totpCodeSchema = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'Le code à usage unique a six chiffres.');

export const consoleLoginRequestSchema = z.object({
  login: staffLoginSchema,
  password: z.string().min(1, 'Mot de passe manquant.').max(200),
  code: totpCodeSchema.optional(),
});
export type ConsoleLoginRequest = z.input<typeof consoleLoginRequestSchema>;

export const consoleLoginResponseSchema = z.discriminatedUnion('status', [
  /** Signed in: the session cookie is set. */
  z.object({ status: z.literal('signed_in'), staff: staffInfoSchema }),
  /** Password right, the six-digit code is now needed. */
  z.object({ status: z.literal('totp_required') }),
  /** Password right, no second factor yet: scan this, then send the login again with a code. */
  z.object({
    status: z.literal('totp_enrolment'),
    secret: z.string().max(100),
    otpauthUri: z.string().max(500),
    /** The otpauth URI as an SVG QR code. */
    qrSvg: z.string().max(100_000),
  }),
]);
export type ConsoleLoginResponse = z.infer<typeof consoleLoginResponseSchema>;
