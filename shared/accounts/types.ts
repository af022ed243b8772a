import { z } from 'zod';
import { type CollectiviteKind, INSEE_PATTERN, SIREN_PATTERN } from './collectivites.js';
import { COMMUNE_ROLES, SERVICES, type CommuneRole, type Service } from './roles.js';

/**
 * The collectivité a session belongs to (the tenant: a commune, an EPCI or a
 * syndicat; see shared/accounts/collectivites.ts). The name is historical: it
 * stays so the PC and the renderer keep their field names.
 */
export interface CommuneInfo {
  kind: CollectiviteKind;
  /** Code officiel géographique (INSEE), 5 characters, e.g. "10387" (Troyes); null for a grouping. */
  insee: string | null;
  siren: string;
  name: string;
  /** Code of the arrondissement, e.g. "103" (communes). */
  arrondissement: string | null;
  /** INSEE codes of a grouping's member communes, sorted; empty for a commune. */
  members: string[];
  /** Services opted into, already cut down to those the kind may use. */
  services: Service[];
}

export interface UserInfo {
  id: string;
  username: string;
  displayName: string;
  role: CommuneRole;
  disabled: boolean;
}

export interface DeviceInfo {
  id: string;
  name: string;
  createdAt: string;
  lastSeenAt: string | null;
  revoked: boolean;
}

/** What `POST /enroll` and `POST /login` answer. The token is shown once; the client keeps it in the OS keychain. */
export interface SessionGrant {
  token: string;
  user: UserInfo;
  commune: CommuneInfo;
  device: DeviceInfo;
}

export interface MeResponse {
  user: UserInfo;
  commune: CommuneInfo;
  device: DeviceInfo;
}

// Usernames: lower-case ascii, digits, dot, dash, underscore (they are typed on a keyboard at the counter).
export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9._-]{3,40}$/, "L'identifiant doit faire de 3 à 40 caractères : lettres sans accent, chiffres, point, tiret.");
export const passwordSchema = z.string().min(10, 'Le mot de passe doit faire au moins 10 caractères.').max(200);
export const displayNameSchema = z.string().trim().min(1, 'Le nom est obligatoire.').max(100);
export const deviceNameSchema = z.string().trim().min(1).max(100);

export const enrollRequestSchema = z.object({
  code: z.string().trim().min(6).max(64),
  username: usernameSchema,
  displayName: displayNameSchema,
  password: passwordSchema,
  deviceName: deviceNameSchema,
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

export const serviceSchema = z.enum(SERVICES);
