import { z } from 'zod';
import type { ChannelSpec, InputSchemas } from '../api/channel.js';
import type { Permission, Service } from './roles.js';
import { COMMUNE_ROLES } from './roles.js';
import {
  changePasswordRequestSchema,
  createUserRequestSchema,
  deviceNameSchema,
  displayNameSchema,
  passwordSchema,
  usernameSchema,
  type ChangePasswordRequest,
  type CommuneInfo,
  type CreateUserRequest,
  type DeviceInfo,
  type PasswordReset,
  type RevokeDeviceResponse,
  type UserInfo,
} from './types.js';

export interface SessionState {
  status: 'not_enrolled' | 'logged_out' | 'logged_in';
  hubUrl: string | null;
  user: UserInfo | null;
  commune: CommuneInfo | null;
  services: Service[];
  permissions: Permission[];
  deviceName: string | null;
  /** The password is temporary: the UI shows « Choisir un nouveau mot de passe » and nothing else until it is changed. */
  mustChangePassword?: boolean;
}

const hubUrlSchema = z.string().trim().url("L'adresse du hub n'est pas valide.");

export const enrollInputSchema = z.object({
  hubUrl: hubUrlSchema,
  code: z.string().trim().min(6, "Le code d'inscription est trop court."),
  username: usernameSchema,
  displayName: displayNameSchema,
  password: passwordSchema,
  deviceName: deviceNameSchema,
});
export type EnrollInput = z.infer<typeof enrollInputSchema>;

export const loginInputSchema = z.object({
  hubUrl: hubUrlSchema,
  /** The collectivité's code: a commune's INSEE code, or a grouping's SIREN (see collectiviteCode). */
  insee: z.string().trim().max(20),
  username: usernameSchema,
  password: z.string().min(1, 'Le mot de passe est obligatoire.'),
  deviceName: deviceNameSchema,
});
export type LoginInput = z.infer<typeof loginInputSchema>;

/** The session of this PC (core channels: always there, before any login). */
export interface SessionChannels {
  'session:get': ChannelSpec<null, SessionState>;
  'session:enroll': ChannelSpec<EnrollInput, SessionState>;
  'session:login': ChannelSpec<LoginInput, SessionState>;
  'session:logout': ChannelSpec<null, SessionState>;
  /** Every user changes their own password (also the way out of a temporary one). */
  'session:change-password': ChannelSpec<ChangePasswordRequest, SessionState>;
}

/** The session changed without a call from the screen (the hub withdrew a grant, closed a service…). */
export interface SessionEvents {
  'session:state': SessionState;
}

export const sessionInputs: InputSchemas<SessionChannels> = {
  'session:get': z.null(),
  'session:enroll': enrollInputSchema,
  'session:login': loginInputSchema,
  'session:logout': z.null(),
  'session:change-password': changePasswordRequestSchema,
};

/** Users and devices of the collectivité (the accounts domain). */
export interface AccountsChannels {
  'accounts:users': ChannelSpec<null, UserInfo[]>;
  'accounts:create-user': ChannelSpec<CreateUserRequest, UserInfo>;
  'accounts:disable-user': ChannelSpec<{ id: string }, UserInfo>;
  'accounts:devices': ChannelSpec<null, DeviceInfo[]>;
  'accounts:revoke-device': ChannelSpec<{ id: string; resetPasswords?: boolean }, RevokeDeviceResponse>;
  'accounts:reset-password': ChannelSpec<{ id: string }, PasswordReset>;
}

export const accountsInputs: InputSchemas<AccountsChannels> = {
  'accounts:users': z.null(),
  'accounts:create-user': createUserRequestSchema as z.ZodType<CreateUserRequest>,
  'accounts:disable-user': z.object({ id: z.string() }),
  'accounts:devices': z.null(),
  'accounts:revoke-device': z.object({ id: z.string().max(100), resetPasswords: z.boolean().optional() }),
  'accounts:reset-password': z.object({ id: z.string().max(100) }),
};

export { COMMUNE_ROLES };
