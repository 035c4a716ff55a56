import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import {
  ERROR_RESPONSES,
  NON_EMPTY_PATCH_MESSAGE,
  PERMISSIONS,
  ZIdParams,
  ZIsoDateTime,
  ZPage,
  ZPageQuery,
  ZPermission,
  ZUniqueList,
  ZUuid,
  nonEmptyPatch,
} from './common';

const c = initContract();

export const ZPermissionTemplate = z.object({
  id: ZUuid,
  name: z.string(),
  description: z.string().nullable(),
  permissions: z.array(ZPermission),
  deletedAt: ZIsoDateTime.nullable(),
  createdAt: ZIsoDateTime,
  updatedAt: ZIsoDateTime,
});
export type PermissionTemplate = z.infer<typeof ZPermissionTemplate>;

const ZPermissionList = ZUniqueList(ZPermission, PERMISSIONS.length, 'permissions');

export const ZCreatePermissionTemplateBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().max(500).nullable().optional(),
    permissions: ZPermissionList,
  })
  .strict();
export type CreatePermissionTemplateBody = z.infer<typeof ZCreatePermissionTemplateBody>;

export const ZUpdatePermissionTemplateBody = ZCreatePermissionTemplateBody.omit({ permissions: true })
  .partial()
  .strict()
  .refine(nonEmptyPatch, NON_EMPTY_PATCH_MESSAGE);
export type UpdatePermissionTemplateBody = z.infer<typeof ZUpdatePermissionTemplateBody>;

export const ZSetTemplatePermissionsBody = z.object({ permissions: ZPermissionList }).strict();
export type SetTemplatePermissionsBody = z.infer<typeof ZSetTemplatePermissionsBody>;

const manage = { permission: 'settings:templates' } as const;

export const permissionTemplatesContract = c.router({
  list: {
    method: 'GET',
    path: '/api/v1/permission-templates',
    query: ZPageQuery.strict(),
    responses: { 200: ZPage(ZPermissionTemplate), ...ERROR_RESPONSES },
    metadata: manage,
    summary: "The account's permission templates",
  },
  get: {
    method: 'GET',
    path: '/api/v1/permission-templates/:id',
    pathParams: ZIdParams,
    responses: { 200: ZPermissionTemplate, ...ERROR_RESPONSES },
    metadata: manage,
    summary: 'One permission template',
  },
  create: {
    method: 'POST',
    path: '/api/v1/permission-templates',
    body: ZCreatePermissionTemplateBody,
    responses: { 201: ZPermissionTemplate, ...ERROR_RESPONSES },
    metadata: manage,
    summary: 'Create a permission template granting some of your own permissions',
  },
  update: {
    method: 'PATCH',
    path: '/api/v1/permission-templates/:id',
    pathParams: ZIdParams,
    body: ZUpdatePermissionTemplateBody,
    responses: { 200: ZPermissionTemplate, ...ERROR_RESPONSES },
    metadata: manage,
    summary: 'Rename a permission template or change its description',
  },
  setPermissions: {
    method: 'PUT',
    path: '/api/v1/permission-templates/:id/permissions',
    pathParams: ZIdParams,
    body: ZSetTemplatePermissionsBody,
    responses: { 200: ZPermissionTemplate, ...ERROR_RESPONSES },
    metadata: manage,
    summary: 'Replace the permissions the template grants',
  },
  remove: {
    method: 'DELETE',
    path: '/api/v1/permission-templates/:id',
    pathParams: ZIdParams,
    body: c.noBody(),
    responses: { 204: c.noBody(), ...ERROR_RESPONSES },
    metadata: manage,
    summary: 'Delete the template (409 while platform users still use it)',
  },
});
