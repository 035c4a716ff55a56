import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import { ZEmail, ZPassword } from './auth';
import { ERROR_RESPONSES, ZIdParams, ZIsoDateTime, ZPage, ZPageQuery, ZUuid } from './common';

const c = initContract();

export const ZPlatformUser = z.object({
  id: ZUuid,
  email: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
  permissionTemplateId: ZUuid.nullable(),
  createdAt: ZIsoDateTime,
  updatedAt: ZIsoDateTime,
});
export type PlatformUser = z.infer<typeof ZPlatformUser>;

export const ZCreatePlatformUserBody = z
  .object({
    email: ZEmail,
    name: z.string().trim().min(1).max(100),
    password: ZPassword,
    isAdmin: z.boolean().optional(),
    permissionTemplateId: ZUuid.nullable().optional(),
  })
  .strict();
export type CreatePlatformUserBody = z.infer<typeof ZCreatePlatformUserBody>;

export const ZUpdatePlatformUserBody = ZCreatePlatformUserBody.partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change');
export type UpdatePlatformUserBody = z.infer<typeof ZUpdatePlatformUserBody>;

const manage = { permission: 'settings:users' } as const;

export const platformUsersContract = c.router({
  list: {
    method: 'GET',
    path: '/api/v1/platform-users',
    query: ZPageQuery.strict(),
    responses: { 200: ZPage(ZPlatformUser), ...ERROR_RESPONSES },
    metadata: manage,
    summary: "The account's platform users, newest first",
  },
  get: {
    method: 'GET',
    path: '/api/v1/platform-users/:id',
    pathParams: ZIdParams,
    responses: { 200: ZPlatformUser, ...ERROR_RESPONSES },
    metadata: manage,
    summary: 'One platform user',
  },
  create: {
    method: 'POST',
    path: '/api/v1/platform-users',
    body: ZCreatePlatformUserBody,
    responses: { 201: ZPlatformUser, ...ERROR_RESPONSES },
    metadata: manage,
    summary: 'Add a platform user with a permission template (or as an admin) and a first password',
  },
  update: {
    method: 'PATCH',
    path: '/api/v1/platform-users/:id',
    pathParams: ZIdParams,
    body: ZUpdatePlatformUserBody,
    responses: { 200: ZPlatformUser, ...ERROR_RESPONSES },
    metadata: manage,
    summary: "Change a platform user's name, email, password, template or admin flag",
  },
  remove: {
    method: 'DELETE',
    path: '/api/v1/platform-users/:id',
    pathParams: ZIdParams,
    body: c.noBody(),
    responses: { 204: c.noBody(), ...ERROR_RESPONSES },
    metadata: manage,
    summary: 'Remove a platform user: their sessions end and the API keys they created stop working',
  },
});
