import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import { ZErrorBody, ZIsoDateTime, ZPermission, ZUuid } from './common';

const c = initContract();

export const ZEmail = z.string().trim().toLowerCase().email().max(254);
export const ZPassword = z
  .string()
  .min(10, 'Password must be at least 10 characters')
  .max(200, 'Password must be at most 200 characters')
  .refine((p) => /[A-Za-z]/.test(p) && /[0-9]/.test(p), 'Password must contain a letter and a digit');

export const ZAccount = z.object({
  id: ZUuid,
  name: z.string(),
  slug: z.string(),
  createdAt: ZIsoDateTime,
});
export type Account = z.infer<typeof ZAccount>;

export const ZUser = z.object({
  id: ZUuid,
  accountId: ZUuid,
  email: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
  permissionTemplateId: ZUuid.nullable(),
  permissions: z.array(ZPermission),
  createdAt: ZIsoDateTime,
});
export type User = z.infer<typeof ZUser>;

export const ZSession = z.object({ user: ZUser, account: ZAccount, csrfToken: z.string() });
export type Session = z.infer<typeof ZSession>;

export const ZSignupBody = z
  .object({
    accountName: z.string().trim().min(2).max(100),
    name: z.string().trim().min(1).max(100),
    email: ZEmail,
    password: ZPassword,
  })
  .strict();
export type SignupBody = z.infer<typeof ZSignupBody>;

export const ZLoginBody = z
  .object({ email: ZEmail, password: z.string().min(1).max(200) })
  .strict();
export type LoginBody = z.infer<typeof ZLoginBody>;

export const ZChangePasswordBody = z
  .object({ currentPassword: z.string().min(1).max(200), newPassword: ZPassword })
  .strict()
  .refine((b) => b.currentPassword !== b.newPassword, {
    message: 'choose a password different from the current one',
    path: ['newPassword'],
  });
export type ChangePasswordBody = z.infer<typeof ZChangePasswordBody>;

export const authContract = c.router({
  signup: {
    method: 'POST',
    path: '/api/v1/auth/signup',
    body: ZSignupBody,
    responses: { 201: ZSession, 400: ZErrorBody, 409: ZErrorBody, 429: ZErrorBody },
    metadata: { public: true } as const,
    summary: 'Open a vendor account with its first (admin) user, and sign in',
  },
  login: {
    method: 'POST',
    path: '/api/v1/auth/login',
    body: ZLoginBody,
    responses: { 200: ZSession, 400: ZErrorBody, 401: ZErrorBody, 429: ZErrorBody },
    metadata: { public: true } as const,
    summary: 'Sign in; sets the session cookie',
  },
  logout: {
    method: 'POST',
    path: '/api/v1/auth/logout',
    body: c.noBody(),
    responses: { 204: c.noBody(), 401: ZErrorBody },
    metadata: { authenticated: true } as const,
    summary: 'Revoke the current session',
  },
  me: {
    method: 'GET',
    path: '/api/v1/auth/me',
    responses: { 200: ZSession, 401: ZErrorBody },
    metadata: { authenticated: true } as const,
    summary: 'The signed-in user and their account',
  },
  changePassword: {
    method: 'POST',
    path: '/api/v1/auth/password',
    body: ZChangePasswordBody,
    responses: { 204: c.noBody(), 400: ZErrorBody, 401: ZErrorBody, 403: ZErrorBody, 429: ZErrorBody },
    metadata: { authenticated: true } as const,
    summary:
      "Change your own password (the current one is asked for: 400 naming currentPassword when wrong); ends your other sessions. Rate-limited like sign-in",
  },
});
