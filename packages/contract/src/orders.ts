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

const c = initContract();

/** Someone besides the customer who may manage the order's licenses (e.g. their IT admin). */
export const ZOrderManager = z.object({ id: ZUuid, email: z.string(), createdAt: ZIsoDateTime });
export type OrderManager = z.infer<typeof ZOrderManager>;

export const ZOrder = z.object({
  id: ZUuid,
  reference: z.string(),
  customerId: ZUuid,
  isTrial: z.boolean(),
  notes: z.string().nullable(),
  managers: z.array(ZOrderManager),
  deletedAt: ZIsoDateTime.nullable(),
  createdAt: ZIsoDateTime,
  updatedAt: ZIsoDateTime,
});
export type Order = z.infer<typeof ZOrder>;

export const ZCreateOrderBody = z
  .object({
    reference: z.string().trim().min(1).max(100).describe('The order number in your shop'),
    customerId: ZUuid,
    isTrial: z.boolean().optional(),
    notes: z.string().trim().max(2000).nullable().optional(),
  })
  .strict();
export type CreateOrderBody = z.infer<typeof ZCreateOrderBody>;

export const ZUpdateOrderBody = ZCreateOrderBody.omit({ customerId: true })
  .partial()
  .strict()
  .refine(nonEmptyPatch, NON_EMPTY_PATCH_MESSAGE);
export type UpdateOrderBody = z.infer<typeof ZUpdateOrderBody>;

export const ZAddOrderManagerBody = z.object({ email: ZEmail }).strict();
export type AddOrderManagerBody = z.infer<typeof ZAddOrderManagerBody>;

export const ZOrderListQuery = ZPageQuery.extend({
  customerId: ZUuid.optional(),
  search: z.string().trim().max(200).optional().describe('Part of the reference'),
}).strict();

const write = { permission: 'orders:write' } as const;

export const ordersContract = c.router({
  list: {
    method: 'GET',
    path: '/api/v1/orders',
    query: ZOrderListQuery,
    responses: { 200: ZPage(ZOrder), ...ERROR_RESPONSES },
    metadata: { permission: 'orders:read' } as const,
    summary: 'Orders, newest first; filter by customer or part of the reference',
  },
  get: {
    method: 'GET',
    path: '/api/v1/orders/:id',
    pathParams: ZIdParams,
    responses: { 200: ZOrder, ...ERROR_RESPONSES },
    metadata: { permission: 'orders:read' } as const,
    summary: 'One order',
  },
  create: {
    method: 'POST',
    path: '/api/v1/orders',
    body: ZCreateOrderBody,
    responses: { 201: ZOrder, ...ERROR_RESPONSES },
    metadata: write,
    summary: 'Create an order for a customer',
  },
  update: {
    method: 'PATCH',
    path: '/api/v1/orders/:id',
    pathParams: ZIdParams,
    body: ZUpdateOrderBody,
    responses: { 200: ZOrder, ...ERROR_RESPONSES },
    metadata: write,
    summary: "Change an order's details",
  },
  addManager: {
    method: 'POST',
    path: '/api/v1/orders/:id/managers',
    pathParams: ZIdParams,
    body: ZAddOrderManagerBody,
    responses: { 201: ZOrder, ...ERROR_RESPONSES },
    metadata: write,
    summary: 'Add a manager (a person who manages the order for the customer)',
  },
  removeManager: {
    method: 'DELETE',
    path: '/api/v1/orders/:id/managers/:managerId',
    pathParams: z.object({ id: ZUuid, managerId: ZUuid }),
    body: c.noBody(),
    responses: { 200: ZOrder, ...ERROR_RESPONSES },
    metadata: write,
    summary: 'Remove a manager from the order',
  },
  remove: {
    method: 'DELETE',
    path: '/api/v1/orders/:id',
    pathParams: ZIdParams,
    body: c.noBody(),
    responses: { 204: c.noBody(), ...ERROR_RESPONSES },
    metadata: write,
    summary: 'Delete the order (409 while it has licenses)',
  },
  auditLog: itemAuditLogRoute('orders'),
});
