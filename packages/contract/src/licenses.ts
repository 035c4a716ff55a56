import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import { itemAuditLogRoute } from './audit-log';
import { ZEmail } from './auth';
import {
  ERROR_RESPONSES,
  NON_EMPTY_PATCH_MESSAGE,
  ZIdParams,
  ZIsoDateTime,
  ZPage,
  ZPageQuery,
  ZUuid,
  nonEmptyPatch,
} from './common';
import { ZFeatures } from './products';

const c = initContract();

/**
 * perpetual: never expires; time_limited and subscription: valid until `validUntil`;
 * consumption: counts what the end user consumes, up to `maxConsumptions`.
 */
export const LICENSE_TYPES = ['perpetual', 'time_limited', 'consumption', 'subscription'] as const;
export const ZLicenseType = z.enum(LICENSE_TYPES);
export type LicenseType = z.infer<typeof ZLicenseType>;

/** The types that expire, and so need a `validUntil`. */
export const EXPIRING_LICENSE_TYPES: readonly LicenseType[] = ['time_limited', 'subscription'];

export const ZLicenseUser = z.object({
  id: ZUuid,
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  createdAt: ZIsoDateTime,
});
export type LicenseUser = z.infer<typeof ZLicenseUser>;

export const ZLicenseCustomField = z.object({
  id: ZUuid,
  name: z.string(),
  value: z.string(),
  createdAt: ZIsoDateTime,
  updatedAt: ZIsoDateTime,
});
export type LicenseCustomField = z.infer<typeof ZLicenseCustomField>;

export const ZLicense = z.object({
  id: ZUuid,
  key: z.string().describe('The license key the end user activates with, e.g. ABCD-EFGH-JKLM-NPQR'),
  keyHint: z.string().describe('The key as audit entries show it: only its last group, e.g. ****-****-****-NPQR'),
  orderId: ZUuid,
  productId: ZUuid,
  customerId: ZUuid,
  type: ZLicenseType,
  enabled: z.boolean(),
  maxActivations: z.number().int(),
  validUntil: ZIsoDateTime.nullable(),
  maxConsumptions: z.number().int().nullable(),
  consumptions: z.number().int(),
  features: z.array(z.string()),
  users: z.array(ZLicenseUser),
  customFields: z.array(ZLicenseCustomField),
  deletedAt: ZIsoDateTime.nullable(),
  createdAt: ZIsoDateTime,
  updatedAt: ZIsoDateTime,
});
export type License = z.infer<typeof ZLicense>;

const ZMaxActivations = z.number().int().min(1).max(10_000);
const ZMaxConsumptions = z.number().int().min(1).max(1_000_000_000);

export const ZCreateLicenseBody = z
  .object({
    orderId: ZUuid,
    productId: ZUuid,
    type: ZLicenseType,
    maxActivations: ZMaxActivations,
    validUntil: ZIsoDateTime.optional().describe('Required for time_limited and subscription licenses'),
    maxConsumptions: ZMaxConsumptions.optional().describe('Required for consumption licenses'),
    features: ZFeatures.optional().describe("Names of the product's features this license enables"),
  })
  .strict()
  .superRefine((b, ctx) => {
    const expiring = EXPIRING_LICENSE_TYPES.includes(b.type);
    if (expiring && !b.validUntil) {
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: `a ${b.type} license needs validUntil` });
    }
    if (!expiring && b.validUntil) {
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: `a ${b.type} license does not expire` });
    }
    if (b.type === 'consumption' && b.maxConsumptions === undefined) {
      ctx.addIssue({ code: 'custom', path: ['maxConsumptions'], message: 'a consumption license needs maxConsumptions' });
    }
    if (b.type !== 'consumption' && b.maxConsumptions !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['maxConsumptions'], message: 'only consumption licenses count consumptions' });
    }
  });
export type CreateLicenseBody = z.infer<typeof ZCreateLicenseBody>;

export const ZUpdateLicenseBody = z
  .object({ maxActivations: ZMaxActivations, validUntil: ZIsoDateTime, maxConsumptions: ZMaxConsumptions })
  .partial()
  .strict()
  .refine(nonEmptyPatch, NON_EMPTY_PATCH_MESSAGE);
export type UpdateLicenseBody = z.infer<typeof ZUpdateLicenseBody>;

export const ZAssignLicenseUserBody = z
  .object({
    email: ZEmail,
    firstName: z.string().trim().min(1).max(100).optional(),
    lastName: z.string().trim().min(1).max(100).optional(),
  })
  .strict();
export type AssignLicenseUserBody = z.infer<typeof ZAssignLicenseUserBody>;

export const ZSetLicenseFeaturesBody = z.object({ features: ZFeatures }).strict();
export type SetLicenseFeaturesBody = z.infer<typeof ZSetLicenseFeaturesBody>;

const ZCustomFieldValue = z.string().trim().max(1000);
export const ZCreateLicenseCustomFieldBody = z
  .object({ name: z.string().trim().min(1).max(100), value: ZCustomFieldValue })
  .strict();
export type CreateLicenseCustomFieldBody = z.infer<typeof ZCreateLicenseCustomFieldBody>;

export const ZUpdateLicenseCustomFieldBody = z.object({ value: ZCustomFieldValue }).strict();
export type UpdateLicenseCustomFieldBody = z.infer<typeof ZUpdateLicenseCustomFieldBody>;

export const ZLicenseListQuery = ZPageQuery.extend({
  orderId: ZUuid.optional(),
  productId: ZUuid.optional(),
  customerId: ZUuid.optional(),
  key: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9*-]+$/, 'a license key or part of one: letters, digits and dashes')
    .optional()
    .describe('A full license key (any case) or part of one, e.g. its last group NPQR'),
}).strict();

const write = { permission: 'licenses:write' } as const;
const ZUserParams = z.object({ id: ZUuid, licenseUserId: ZUuid });
const ZFieldParams = z.object({ id: ZUuid, fieldId: ZUuid });
const licenseAction = (path: string, summary: string) =>
  ({
    method: 'POST',
    path: `/api/v1/licenses/:id/${path}`,
    pathParams: ZIdParams,
    body: c.noBody(),
    responses: { 200: ZLicense, ...ERROR_RESPONSES },
    metadata: write,
    summary,
  }) as const;

export const licensesContract = c.router({
  list: {
    method: 'GET',
    path: '/api/v1/licenses',
    query: ZLicenseListQuery,
    responses: { 200: ZPage(ZLicense), ...ERROR_RESPONSES },
    metadata: { permission: 'licenses:read' } as const,
    summary: 'Licenses, newest first; filter by order, product or customer',
  },
  get: {
    method: 'GET',
    path: '/api/v1/licenses/:id',
    pathParams: ZIdParams,
    responses: { 200: ZLicense, ...ERROR_RESPONSES },
    metadata: { permission: 'licenses:read' } as const,
    summary: 'One license',
  },
  create: {
    method: 'POST',
    path: '/api/v1/licenses',
    body: ZCreateLicenseBody,
    responses: { 201: ZLicense, ...ERROR_RESPONSES },
    metadata: write,
    summary: 'Issue a license (enabled, with a generated key) for a product in an order',
  },
  update: {
    method: 'PATCH',
    path: '/api/v1/licenses/:id',
    pathParams: ZIdParams,
    body: ZUpdateLicenseBody,
    responses: { 200: ZLicense, ...ERROR_RESPONSES },
    metadata: write,
    summary: "Change a license's limits, validity or notes",
  },
  reset: licenseAction('reset', 'Remove all its activations: every active device is released'),
  disable: licenseAction('disable', 'Stop the license: no new activations'),
  enable: licenseAction('enable', 'Start a disabled license again'),
  resetConsumption: licenseAction('consumption/reset', "Set a consumption license's count back to zero"),
  assignUser: {
    method: 'POST',
    path: '/api/v1/licenses/:id/users',
    pathParams: ZIdParams,
    body: ZAssignLicenseUserBody,
    responses: { 201: ZLicense, ...ERROR_RESPONSES },
    metadata: write,
    summary: 'Assign a user to the license',
  },
  unassignUser: {
    method: 'DELETE',
    path: '/api/v1/licenses/:id/users/:licenseUserId',
    pathParams: ZUserParams,
    body: c.noBody(),
    responses: { 200: ZLicense, ...ERROR_RESPONSES },
    metadata: write,
    summary: 'Unassign a user from the license',
  },
  setFeatures: {
    method: 'PUT',
    path: '/api/v1/licenses/:id/features',
    pathParams: ZIdParams,
    body: ZSetLicenseFeaturesBody,
    responses: { 200: ZLicense, ...ERROR_RESPONSES },
    metadata: write,
    summary: "Replace the features the license enables (names of its product's features)",
  },
  remove: {
    method: 'DELETE',
    path: '/api/v1/licenses/:id',
    pathParams: ZIdParams,
    body: c.noBody(),
    responses: { 204: c.noBody(), ...ERROR_RESPONSES },
    metadata: write,
    summary: 'Delete the license',
  },
  createCustomField: {
    method: 'POST',
    path: '/api/v1/licenses/:id/custom-fields',
    pathParams: ZIdParams,
    body: ZCreateLicenseCustomFieldBody,
    responses: { 201: ZLicense, ...ERROR_RESPONSES },
    metadata: write,
    summary: 'Add a custom field to the license',
  },
  updateCustomField: {
    method: 'PATCH',
    path: '/api/v1/licenses/:id/custom-fields/:fieldId',
    pathParams: ZFieldParams,
    body: ZUpdateLicenseCustomFieldBody,
    responses: { 200: ZLicense, ...ERROR_RESPONSES },
    metadata: write,
    summary: "Change a custom field's value",
  },
  deleteCustomField: {
    method: 'DELETE',
    path: '/api/v1/licenses/:id/custom-fields/:fieldId',
    pathParams: ZFieldParams,
    body: c.noBody(),
    responses: { 200: ZLicense, ...ERROR_RESPONSES },
    metadata: write,
    summary: 'Delete a custom field of the license',
  },
  auditLog: itemAuditLogRoute('licenses'),
});
