import { initContract } from '@ts-rest/core';
import { auditLogContract } from './audit-log';
import { authContract } from './auth';
import { healthContract } from './health';
import { platformUsersContract } from './platform-users';
import { productsContract } from './products';

export * from './audit-actions';
export * from './audit-search';
export * from './audit-log';
export * from './auth';
export * from './common';
export * from './health';
export * from './platform-users';
export * from './products';

const c = initContract();

/** Every route of the product. Paths carry their own /api/v1 prefix. */
export const contract = c.router(
  {
    health: healthContract,
    auth: authContract,
    auditLog: auditLogContract,
    platformUsers: platformUsersContract,
    products: productsContract,
  },
  { strictStatusCodes: true },
);
export type Contract = typeof contract;
