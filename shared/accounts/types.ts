import { z } from 'zod';
import { COLLECTIVITE_KINDS, INSEE_PATTERN, SIREN_PATTERN } from './collectivites.js';
import { COMMUNE_ROLES, SERVICES } from './roles.js';

/** Answers of the accounts routes: zod schemas (the hub's contract, shared/api/hub.ts), types inferred from them. */
export const serviceSchema = z.enum(SERVICES);

/**
 * The collectivité a session belongs to (the tenant: a commune, an EPCI or a
 * syndicat; see shared/accounts/collectivites.ts). The name is historical: it
 * stays so the PC and the renderer keep their field names.
 */
export const communeInfoSchema = z.object({
  kind: z.enum(COLLECTIVITE_KINDS),
  /** Code officiel géographique (INSEE), 5 characters, e.g. "10387" (Troyes); null for a grouping. */
  insee: z.string().max(5).nullable(),
  siren: z.string().max(9),
  name: z.string().max(200),
  /** Code of the arrondissement, e.g. "103" (communes). */
  arrondissement: z.string().max(10).nullable(),
  /** INSEE codes of a grouping's member communes, sorted; empty for a commune. */
  members: z.array(z.string().max(5)).max(1000),
  /** Services opted into, already cut down to those the kind may use. */
  services: z.array(serviceSchema).max(SERVICES.length),
});
export type CommuneInfo = z.infer<typeof communeInfoSchema>;

export const userInfoSchema = z.object({
  id: z.string().max(100),
  username: z.string().max(100),
  displayName: z.string().max(100),
  role: z.enum(COMMUNE_ROLES),
  disabled: z.boolean(),
  /** The password is a temporary one (set by the mayor, a reset, the département): to change before anything else. */
  mustChangePassword: z.boolean().optional(),
  /** Permissions the mayor granted to this user by name (grantable ones, e.g. `owners.read`); absent from older hubs. */
  grants: z.array(z.string().max(100)).max(50).optional(),
});
export type UserInfo = z.infer<typeof userInfoSchema>;

export const deviceInfoSchema = z.object({
  id: z.string().max(100),
  name: z.string().max(100),
  createdAt: z.string().max(40),
  lastSeenAt: z.string().max(40).nullable(),
  revoked: z.boolean(),
  /** The device of the session asking: « ce poste ». */
  current: z.boolean().optional(),
});
export type DeviceInfo = z.infer<typeof deviceInfoSchema>;

/** What `POST /enroll` and `POST /login` answer. The token is shown once; the client keeps it in the OS keychain. */
export const sessionGrantSchema = z.object({
  token: z.string().max(200),
  user: userInfoSchema,
  commune: communeInfoSchema,
  device: deviceInfoSchema,
});
export type SessionGrant = z.infer<typeof sessionGrantSchema>;

export const meResponseSchema = z.object({
  user: userInfoSchema,
  commune: communeInfoSchema,
  device: deviceInfoSchema,
});
export type MeResponse = z.infer<typeof meResponseSchema>;

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9._-]{3,40}$/, "L'identifiant doit faire de 3 à 40 caractères : lettres sans accent, chiffres, point, tiret.");
export const passwordSchema = z.string().min(10, 'Le mot de passe doit faire au moins 10 caractères.').max(200);
export const displayNameSchema = z.string().trim().min(1, 'Le nom est obligatoire.').max(100);
export const deviceNameSchema = z.string().trim().min(1).max(100);
/**
 * The secret a PC keeps for its data folder (32 random bytes, base64url). Presented at login,
 * it makes the hub reuse that PC's device row within the collectivité: one poste per PC.
 */
export const deviceKeySchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export const enrollRequestSchema = z.object({
  code: z.string().trim().min(6).max(64),
  username: usernameSchema,
  displayName: displayNameSchema,
  password: passwordSchema,
  deviceName: deviceNameSchema,
  deviceKey: deviceKeySchema.optional(),
});
export type EnrollRequest = z.infer<typeof enrollRequestSchema>;

/** A commune's users log in with its INSEE code, a grouping's with its SIREN (exactly one of the two). */
export const loginRequestSchema = z
  .object({
    insee: z.string().regex(INSEE_PATTERN, 'Code INSEE invalide.').optional(),
    siren: z.string().regex(SIREN_PATTERN, 'Numéro SIREN invalide.').optional(),
    username: usernameSchema,
    password: z.string().min(1).max(200),
    deviceName: deviceNameSchema,
    deviceKey: deviceKeySchema.optional(),
  })
  .refine((v) => (v.insee === undefined) !== (v.siren === undefined), {
    message: 'Indiquez le code INSEE de la commune ou le SIREN du groupement.',
    path: ['insee'],
  });
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const createUserRequestSchema = z.object({
  username: usernameSchema,
  displayName: displayNameSchema,
  role: z.enum(COMMUNE_ROLES),
  password: passwordSchema,
});
export type CreateUserRequest = z.infer<typeof createUserRequestSchema>;

/** The refusal of everything but « change my password » while the password is temporary (hub and PC alike). */
export const TEMPORARY_PASSWORD_MESSAGE = 'Votre mot de passe est provisoire : choisissez un nouveau mot de passe avant de continuer.';

/** Every user changes their own password: the current one, then the new one (checked by shared/accounts/password-policy.ts). */
export const changePasswordRequestSchema = z.object({
  currentPassword: z.string().min(1, 'Le mot de passe actuel est obligatoire.').max(200),
  newPassword: passwordSchema,
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>;

/** A temporary password set by the hub: shown once, to change at first login. */
export const passwordResetSchema = z.object({
  user: userInfoSchema,
  temporaryPassword: z.string().max(100),
});
export type PasswordReset = z.infer<typeof passwordResetSchema>;

export const revokeDeviceRequestSchema = z
  .object({
    /** A stolen PC: also give its users temporary passwords (their sessions everywhere end). */
    resetPasswords: z.boolean().optional(),
  })
  .optional();
export type RevokeDeviceRequest = z.infer<typeof revokeDeviceRequestSchema>;

export const revokeDeviceResponseSchema = z.object({
  device: deviceInfoSchema,
  /** Users of the device whose password was reset (resetPasswords), with their temporary password. */
  passwordResets: z.array(passwordResetSchema).max(1000),
  /** Users of the device left as they are: the caller (change it in « Mon compte ») and maire accounts (the département resets them). */
  notReset: z.array(userInfoSchema).max(1000),
});
export type RevokeDeviceResponse = z.infer<typeof revokeDeviceResponseSchema>;
