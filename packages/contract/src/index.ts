import { initContract } from '@ts-rest/core';
import { apiKeysContract } from './api-keys';
import { auditIntegrityContract } from './audit-integrity';
import { auditExportsContract } from './audit-exports';
import { auditLogContract } from './audit-log';
import { authContract } from './auth';
import { customersContract } from './customers';
import { devicesContract } from './devices';
import { healthContract } from './health';
import { licenseApiContract } from './license-api';
import { licensesContract } from './licenses';
import { logStreamsContract } from './log-streams';
import { notificationPoliciesContract } from './notification-policies';
import { ordersContract } from './orders';
import { permissionTemplatesContract } from './permission-templates';
import { platformUsersContract } from './platform-users';
import { productsContract } from './products';

export * from './api-keys';
export * from './audit-actions';
export * from './audit-fields';
export * from './audit-search';
export * from './audit-integrity';
export * from './audit-log';
export * from './audit-exports';
export * from './auth';
export * from './client-routes';
export * from './common';
export * from './customers';
export * from './devices';
export * from './health';
export * from './license-api';
export * from './licenses';
export * from './log-streams';
export * from './management-api';
export * from './notification-policies';
export * from './orders';
export * from './permission-templates';
export * from './platform-users';
export * from './products';

const c = initContract();

/** Every route of the product. Paths carry their own /api/v1 prefix. */
export const contract = c.router(
  {
    health: healthContract,
    auth: authContract,
    auditLog: auditLogContract,
    auditExports: auditExportsContract,
    auditIntegrity: auditIntegrityContract,
    platformUsers: platformUsersContract,
    permissionTemplates: permissionTemplatesContract,
    notificationPolicies: notificationPoliciesContract,
    products: productsContract,
    customers: customersContract,
    orders: ordersContract,
    licenses: licensesContract,
    devices: devicesContract,
    licenseApi: licenseApiContract,
    apiKeys: apiKeysContract,
    logStreams: logStreamsContract,
  },
  { strictStatusCodes: true },
);
export type Contract = typeof contract;
