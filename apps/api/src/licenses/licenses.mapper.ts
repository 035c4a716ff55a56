import { type License } from '@keyledger/contract';
import { type LicenseCustomFieldEntity } from './license-custom-field.entity';
import { licenseKeyHint } from './license-key';
import { type LicenseUserEntity } from './license-user.entity';
import { type LicenseEntity } from './license.entity';

export function toLicenseDto(l: LicenseEntity, users: LicenseUserEntity[], fields: LicenseCustomFieldEntity[]): License {
  return {
    id: l.id,
    key: l.key,
    keyHint: licenseKeyHint(l.key),
    orderId: l.orderId,
    productId: l.productId,
    customerId: l.customerId,
    type: l.type,
    enabled: l.enabled,
    maxActivations: l.maxActivations,
    validUntil: l.validUntil?.toISOString() ?? null,
    maxConsumptions: l.maxConsumptions,
    consumptions: l.consumptions,
    features: l.features,
    users: users.map((u) => ({
      id: u.id,
      email: u.email,
      firstName: u.firstName,
      lastName: u.lastName,
      createdAt: u.createdAt.toISOString(),
    })),
    customFields: fields.map((f) => ({
      id: f.id,
      name: f.name,
      value: f.value,
      createdAt: f.createdAt.toISOString(),
      updatedAt: f.updatedAt.toISOString(),
    })),
    deletedAt: l.deletedAt?.toISOString() ?? null,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
  };
}
