import { z } from 'zod';
import { COMMUNE_ROLES, SERVICES, type CommuneRole, type Service } from './roles.js';

export interface CommuneInfo {
  /** Code officiel géographique (INSEE), 5 characters, e.g. "10387" (Troyes). */
  insee: string;
  siren: string;
  name: string;
  /** Code of the arrondissement, e.g. "103". */
  arrondissement: string | null;
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

export const loginRequestSchema = z.object({
  insee: z.string().regex(/^[0-9][0-9AB][0-9]{3}$/, 'Code INSEE invalide.'),
  username: usernameSchema,
  password: z.string().min(1).max(200),
  deviceName: deviceNameSchema,
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
