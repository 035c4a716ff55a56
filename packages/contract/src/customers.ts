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

export const ZCustomer = z.object({
  id: ZUuid,
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  company: z.string().nullable(),
  phone: z.string().nullable(),
  reference: z.string().nullable(),
  deletedAt: ZIsoDateTime.nullable(),
  createdAt: ZIsoDateTime,
  updatedAt: ZIsoDateTime,
});
export type Customer = z.infer<typeof ZCustomer>;

const optionalText = (max: number) => z.string().trim().min(1).max(max).nullable().optional();

export const ZCreateCustomerBody = z
  .object({
    email: ZEmail,
    firstName: optionalText(100),
    lastName: optionalText(100),
    company: optionalText(200),
    phone: optionalText(50),
    reference: optionalText(100).describe('Your own id for the customer (CRM, shop)'),
  })
  .strict();
export type CreateCustomerBody = z.infer<typeof ZCreateCustomerBody>;

export const ZUpdateCustomerBody = ZCreateCustomerBody.partial().strict().refine(nonEmptyPatch, NON_EMPTY_PATCH_MESSAGE);
export type UpdateCustomerBody = z.infer<typeof ZUpdateCustomerBody>;

export const ZCustomerListQuery = ZPageQuery.extend({
  search: z.string().trim().max(200).optional().describe('Part of the email, name or company'),
}).strict();

const write = { permission: 'customers:write' } as const;

export const customersContract = c.router({
  list: {
    method: 'GET',
    path: '/api/v1/customers',
    query: ZCustomerListQuery,
    responses: { 200: ZPage(ZCustomer), ...ERROR_RESPONSES },
    metadata: { permission: 'customers:read' } as const,
    summary: 'Customers, newest first; `search` matches name, email or company',
  },
  get: {
    method: 'GET',
    path: '/api/v1/customers/:id',
    pathParams: ZIdParams,
    responses: { 200: ZCustomer, ...ERROR_RESPONSES },
    metadata: { permission: 'customers:read' } as const,
    summary: 'One customer',
  },
  create: {
    method: 'POST',
    path: '/api/v1/customers',
    body: ZCreateCustomerBody,
    responses: { 201: ZCustomer, ...ERROR_RESPONSES },
    metadata: write,
    summary: 'Create a customer',
  },
  update: {
    method: 'PATCH',
    path: '/api/v1/customers/:id',
    pathParams: ZIdParams,
    body: ZUpdateCustomerBody,
    responses: { 200: ZCustomer, ...ERROR_RESPONSES },
    metadata: write,
    summary: "Change a customer's details",
  },
  remove: {
    method: 'DELETE',
    path: '/api/v1/customers/:id',
    pathParams: ZIdParams,
    body: c.noBody(),
    responses: { 204: c.noBody(), ...ERROR_RESPONSES },
    metadata: write,
    summary: 'Delete the customer (409 while it has orders)',
  },
  auditLog: itemAuditLogRoute('customers'),
});
