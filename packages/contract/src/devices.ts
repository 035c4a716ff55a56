import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import { ERROR_RESPONSES, ZIdParams, ZIsoDateTime, ZPage, ZPageQuery, ZUuid } from './common';

const c = initContract();

/** A machine a license was activated on (through the License API). */
export const ZDevice = z.object({
  id: ZUuid,
  licenseId: ZUuid,
  hardwareId: z.string(),
  name: z.string().nullable(),
  os: z.string().nullable(),
  active: z.boolean().describe('Whether it holds one of the license\'s activations'),
  blacklisted: z.boolean(),
  borrowedUntil: ZIsoDateTime.nullable().describe('Set while the device may run offline'),
  activatedAt: ZIsoDateTime,
  createdAt: ZIsoDateTime,
  updatedAt: ZIsoDateTime,
});
export type Device = z.infer<typeof ZDevice>;

export const ZBorrowDeviceBody = z.object({ until: ZIsoDateTime.describe('When the borrow ends; in the future') }).strict();
export type BorrowDeviceBody = z.infer<typeof ZBorrowDeviceBody>;

export const ZLicenseDevicesQuery = ZPageQuery.strict();

const write = { permission: 'devices:write' } as const;
const deviceAction = <B extends z.ZodTypeAny | ReturnType<typeof c.noBody>>(path: string, body: B, summary: string) =>
  ({
    method: 'POST',
    path: `/api/v1/devices/:id/${path}`,
    pathParams: ZIdParams,
    body,
    responses: { 200: ZDevice, ...ERROR_RESPONSES },
    metadata: write,
    summary,
  }) as const;

export const devicesContract = c.router({
  listForLicense: {
    method: 'GET',
    path: '/api/v1/licenses/:id/devices',
    pathParams: ZIdParams,
    query: ZLicenseDevicesQuery,
    responses: { 200: ZPage(ZDevice), ...ERROR_RESPONSES },
    metadata: { permission: 'licenses:read' } as const,
    summary: "A license's devices, newest activation first",
  },
  reset: deviceAction('reset', c.noBody(), 'Release the activation this device holds'),
  blacklist: deviceAction('blacklist', c.noBody(), 'Release its activation and refuse it from now on'),
  borrow: deviceAction('borrow', ZBorrowDeviceBody, 'Let the device run offline until a date'),
  releaseBorrow: deviceAction('borrow/release', c.noBody(), 'End a borrow early'),
});
