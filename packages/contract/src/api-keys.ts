/**
 * Management API keys: an admin (or a user with `settings:api_keys`) creates a key for a script or an
 * integration, with the permissions it may use. The secret (`kl_live_…`) is shown once, in the
 * creation response; the server keeps only its SHA-256. Send it as `Authorization: Bearer <key>`.
 * A key acts for its creator: on every request it may use only its permissions that its creator
 * still holds, and it stops working when its creator is removed. Only a signed-in user creates or
 * revokes keys; a key cannot.
 */
import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import { ERROR_RESPONSES, PERMISSIONS, ZIdParams, ZIsoDateTime, ZPage, ZPageQuery, ZPermission, ZUniqueList, ZUuid } from './common';

const c = initContract();

/** Every key starts with this; the rest is 32 random bytes, base64url. */
export const API_KEY_PREFIX = 'kl_live_';

export const ZApiKey = z.object({
  id: ZUuid,
  name: z.string(),
  hint: z.string().describe('The key as lists show it: its prefix and last four characters, e.g. kl_live_…x7Qa'),
  permissions: z.array(ZPermission),
  effectivePermissions: z
    .array(ZPermission)
    .describe("What the key may use now: its permissions that its creator still holds (none once revoked or its creator removed)"),
  createdBy: z.object({
    id: ZUuid.nullable(),
    name: z.string(),
    removed: z.boolean().describe('The creator was removed (or is not a platform user): the key no longer works'),
  }),
  revokedAt: ZIsoDateTime.nullable(),
  createdAt: ZIsoDateTime,
});
export type ApiKey = z.infer<typeof ZApiKey>;

export const ZApiKeyCreated = ZApiKey.extend({
  secret: z.string().describe('The key itself: shown only in this response, never again'),
});
export type ApiKeyCreated = z.infer<typeof ZApiKeyCreated>;

export const ZCreateApiKeyBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    permissions: ZUniqueList(ZPermission, PERMISSIONS.length, 'permissions', 1),
  })
  .strict();
export type CreateApiKeyBody = z.infer<typeof ZCreateApiKeyBody>;

const manage = { permission: 'settings:api_keys' } as const;
const manageSignedIn = { permission: 'settings:api_keys', sessionOnly: true } as const;

/** The 403 a bearer key gets from create and revoke. */
export const API_KEYS_CANNOT_MANAGE_KEYS = 'API keys cannot manage API keys; a signed-in user must';

export const apiKeysContract = c.router({
  list: {
    method: 'GET',
    path: '/api/v1/api-keys',
    query: ZPageQuery.strict(),
    responses: { 200: ZPage(ZApiKey), ...ERROR_RESPONSES },
    metadata: manage,
    summary: "The account's API keys, revoked ones included, newest first",
  },
  create: {
    method: 'POST',
    path: '/api/v1/api-keys',
    body: ZCreateApiKeyBody,
    responses: { 201: ZApiKeyCreated, ...ERROR_RESPONSES },
    metadata: manageSignedIn,
    summary: 'Create a key with some of your own permissions; its secret is in this response only. Signed-in users only: an API key gets 403',
  },
  revoke: {
    method: 'DELETE',
    path: '/api/v1/api-keys/:id',
    pathParams: ZIdParams,
    body: c.noBody(),
    responses: { 204: c.noBody(), ...ERROR_RESPONSES },
    metadata: manageSignedIn,
    summary: 'Revoke the key: it stops working at once (409 when already revoked). Signed-in users only: an API key gets 403',
  },
});
