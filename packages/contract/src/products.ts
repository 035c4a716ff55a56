import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import { itemAuditLogRoute } from './audit-log';
import { ERROR_RESPONSES, ZIdParams, ZIsoDateTime, ZPage, ZPageQuery, ZUniqueList, ZUuid } from './common';

const c = initContract();

export const PRODUCT_STATUSES = ['active', 'inactive'] as const;

export const ZProduct = z.object({
  id: ZUuid,
  name: z.string(),
  code: z.string(),
  features: z.array(z.string()),
  status: z.enum(PRODUCT_STATUSES),
  archived: z.boolean(),
  deletedAt: ZIsoDateTime.nullable(),
  createdAt: ZIsoDateTime,
  updatedAt: ZIsoDateTime,
});
export type Product = z.infer<typeof ZProduct>;

export const ZFeatureName = z.string().trim().min(1).max(100);
export const ZFeatures = ZUniqueList(ZFeatureName, 100, 'features');

export const ZCreateProductBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    code: z
      .string()
      .trim()
      .min(1)
      .max(50)
      .regex(/^[a-z0-9][a-z0-9_-]*$/i, 'code may contain letters, digits, - and _'),
    features: ZFeatures.optional(),
  })
  .strict();
export type CreateProductBody = z.infer<typeof ZCreateProductBody>;

export const ZUpdateProductBody = ZCreateProductBody.partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change');
export type UpdateProductBody = z.infer<typeof ZUpdateProductBody>;

export const ZProductListQuery = ZPageQuery.extend({
  search: z.string().trim().max(200).optional(),
}).strict();

const write = { permission: 'products:write' } as const;

export const productsContract = c.router({
  list: {
    method: 'GET',
    path: '/api/v1/products',
    query: ZProductListQuery,
    responses: { 200: ZPage(ZProduct), ...ERROR_RESPONSES },
    metadata: { permission: 'products:read' } as const,
    summary: 'Products, newest first; `search` matches name or code',
  },
  get: {
    method: 'GET',
    path: '/api/v1/products/:id',
    pathParams: ZIdParams,
    responses: { 200: ZProduct, ...ERROR_RESPONSES },
    metadata: { permission: 'products:read' } as const,
    summary: 'One product',
  },
  create: {
    method: 'POST',
    path: '/api/v1/products',
    body: ZCreateProductBody,
    responses: { 201: ZProduct, ...ERROR_RESPONSES },
    metadata: write,
    summary: 'Create a product (active) with its features',
  },
  update: {
    method: 'PATCH',
    path: '/api/v1/products/:id',
    pathParams: ZIdParams,
    body: ZUpdateProductBody,
    responses: { 200: ZProduct, ...ERROR_RESPONSES },
    metadata: write,
    summary: "Change a product's name, code or features",
  },
  activate: {
    method: 'POST',
    path: '/api/v1/products/:id/activate',
    pathParams: ZIdParams,
    body: c.noBody(),
    responses: { 200: ZProduct, ...ERROR_RESPONSES },
    metadata: write,
    summary: 'Activate the product',
  },
  deactivate: {
    method: 'POST',
    path: '/api/v1/products/:id/deactivate',
    pathParams: ZIdParams,
    body: c.noBody(),
    responses: { 200: ZProduct, ...ERROR_RESPONSES },
    metadata: write,
    summary: 'Deactivate the product',
  },
  archive: {
    method: 'POST',
    path: '/api/v1/products/:id/archive',
    pathParams: ZIdParams,
    body: c.noBody(),
    responses: { 200: ZProduct, ...ERROR_RESPONSES },
    metadata: write,
    summary: 'Archive the product',
  },
  unarchive: {
    method: 'POST',
    path: '/api/v1/products/:id/unarchive',
    pathParams: ZIdParams,
    body: c.noBody(),
    responses: { 200: ZProduct, ...ERROR_RESPONSES },
    metadata: write,
    summary: 'Take the product out of the archive',
  },
  remove: {
    method: 'DELETE',
    path: '/api/v1/products/:id',
    pathParams: ZIdParams,
    body: c.noBody(),
    responses: { 204: c.noBody(), ...ERROR_RESPONSES },
    metadata: write,
    summary: 'Delete the product (409 while licenses use it)',
  },
  auditLog: itemAuditLogRoute('products'),
});
