import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import { ZEmail } from './auth';
import {
  ERROR_RESPONSES,
  NON_EMPTY_PATCH_MESSAGE,
  ZIdParams,
  ZIsoDateTime,
  ZPage,
  ZPageQuery,
  ZUniqueList,
  ZUuid,
  nonEmptyPatch,
} from './common';

const c = initContract();

/** What a notification policy emails its recipients about. */
export const NOTIFICATION_EVENTS = [
  'order_created',
  'license_created',
  'license_disabled',
  'license_expiring',
  'device_activated',
  'activation_limit_reached',
] as const;
export const ZNotificationEvent = z.enum(NOTIFICATION_EVENTS);
export type NotificationEvent = z.infer<typeof ZNotificationEvent>;

export const ZNotificationPolicy = z.object({
  id: ZUuid,
  name: z.string(),
  event: ZNotificationEvent,
  recipients: z.array(z.string()),
  enabled: z.boolean(),
  deletedAt: ZIsoDateTime.nullable(),
  createdAt: ZIsoDateTime,
  updatedAt: ZIsoDateTime,
});
export type NotificationPolicy = z.infer<typeof ZNotificationPolicy>;

export const ZCreateNotificationPolicyBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    event: ZNotificationEvent,
    recipients: ZUniqueList(ZEmail, 20, 'recipients', 1),
    enabled: z.boolean().default(true),
  })
  .strict();
export type CreateNotificationPolicyBody = z.infer<typeof ZCreateNotificationPolicyBody>;

export const ZUpdateNotificationPolicyBody = z
  .object({
    name: ZCreateNotificationPolicyBody.shape.name,
    event: ZNotificationEvent,
    recipients: ZCreateNotificationPolicyBody.shape.recipients,
    enabled: z.boolean(),
  })
  .partial()
  .strict()
  .refine(nonEmptyPatch, NON_EMPTY_PATCH_MESSAGE);
export type UpdateNotificationPolicyBody = z.infer<typeof ZUpdateNotificationPolicyBody>;

const manage = { permission: 'settings:notifications' } as const;

export const notificationPoliciesContract = c.router({
  list: {
    method: 'GET',
    path: '/api/v1/notification-policies',
    query: ZPageQuery.strict(),
    responses: { 200: ZPage(ZNotificationPolicy), ...ERROR_RESPONSES },
    metadata: manage,
    summary: "The account's notification policies",
  },
  get: {
    method: 'GET',
    path: '/api/v1/notification-policies/:id',
    pathParams: ZIdParams,
    responses: { 200: ZNotificationPolicy, ...ERROR_RESPONSES },
    metadata: manage,
    summary: 'One notification policy',
  },
  create: {
    method: 'POST',
    path: '/api/v1/notification-policies',
    body: ZCreateNotificationPolicyBody,
    responses: { 201: ZNotificationPolicy, ...ERROR_RESPONSES },
    metadata: manage,
    summary: 'Create a notification policy: which event notifies which recipients',
  },
  update: {
    method: 'PATCH',
    path: '/api/v1/notification-policies/:id',
    pathParams: ZIdParams,
    body: ZUpdateNotificationPolicyBody,
    responses: { 200: ZNotificationPolicy, ...ERROR_RESPONSES },
    metadata: manage,
    summary: 'Change a notification policy',
  },
  remove: {
    method: 'DELETE',
    path: '/api/v1/notification-policies/:id',
    pathParams: ZIdParams,
    body: c.noBody(),
    responses: { 204: c.noBody(), ...ERROR_RESPONSES },
    metadata: manage,
    summary: 'Delete a notification policy',
  },
});
