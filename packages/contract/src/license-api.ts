/**
 * The License API: what end users' applications call. Authorised by the license key in the body
 * (the end user holds it), not by a platform session; its calls are not platform-user actions.
 */
import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import { ZErrorBody, ZIsoDateTime } from './common';
import { ZDevice } from './devices';
import { ZLicenseType } from './licenses';

const c = initContract();

const ZLicenseKeyInput = z.string().trim().min(1).max(100);
const ZHardwareId = z.string().trim().min(1).max(200);

export const ZActivationBody = z
  .object({
    licenseKey: ZLicenseKeyInput,
    hardwareId: ZHardwareId.describe('A stable id of the machine, chosen by the application'),
    name: z.string().trim().min(1).max(200).optional(),
    os: z.string().trim().min(1).max(100).optional(),
  })
  .strict();
export type ActivationBody = z.infer<typeof ZActivationBody>;

/** What the application learns about its license. */
export const ZLicenseApiLicense = z.object({
  type: ZLicenseType,
  validUntil: ZIsoDateTime.nullable(),
  features: z.array(z.string()),
  maxActivations: z.number().int(),
  maxConsumptions: z.number().int().nullable(),
  consumptions: z.number().int(),
});

export const ZActivation = z.object({ device: ZDevice, license: ZLicenseApiLicense });
export type Activation = z.infer<typeof ZActivation>;

export const ZConsumptionBody = z
  .object({ licenseKey: ZLicenseKeyInput, hardwareId: ZHardwareId, consumptions: z.number().int().min(1).max(1_000_000) })
  .strict();
export type ConsumptionBody = z.infer<typeof ZConsumptionBody>;

const FAILURES = { 400: ZErrorBody, 403: ZErrorBody, 404: ZErrorBody, 409: ZErrorBody } as const;
const open = { public: true } as const;

export const licenseApiContract = c.router({
  activate: {
    method: 'POST',
    path: '/api/v1/license-api/activations',
    body: ZActivationBody,
    responses: { 200: ZActivation, 201: ZActivation, ...FAILURES },
    metadata: open,
    summary:
      'Activate a license on a device: 201 for a new activation, 200 when this device already holds one. ' +
      '404 unknown key; 403 disabled, expired or blacklisted; 409 no activation left',
  },
  consume: {
    method: 'POST',
    path: '/api/v1/license-api/consumptions',
    body: ZConsumptionBody,
    responses: { 200: ZLicenseApiLicense, ...FAILURES },
    metadata: open,
    summary: 'Count consumptions on a consumption license from an activated device (409 past maxConsumptions)',
  },
});
