import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Auditable } from '../audit/auditable';

/**
 * A machine a license was activated on. Its entries link to the license and, through it, the order,
 * customer and product (kept on the row: none of them changes once the license is issued). In a
 * license's entry (a reset) its fields show as `device.<hardwareId>.active`.
 */
@Auditable<DeviceEntity>({
  type: 'device',
  label: (d) => d.name ?? d.hardwareId,
  parents: (d) => [
    { type: 'license', id: d.licenseId },
    { type: 'order', id: d.orderId },
    { type: 'customer', id: d.customerId },
    { type: 'product', id: d.productId },
  ],
  fieldPrefix: (d) => `device.${d.hardwareId}`,
  ignore: ['licenseId', 'orderId', 'customerId', 'productId'],
})
@Entity('devices')
export class DeviceEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'account_id' })
  accountId: string;

  @Column('uuid', { name: 'license_id' })
  licenseId: string;

  @Column('uuid', { name: 'order_id' })
  orderId: string;

  @Column('uuid', { name: 'customer_id' })
  customerId: string;

  @Column('uuid', { name: 'product_id' })
  productId: string;

  @Column('text', { name: 'hardware_id' })
  hardwareId: string;

  @Column('text', { nullable: true })
  name: string | null;

  @Column('text', { nullable: true })
  os: string | null;

  @Column('boolean', { default: true })
  active: boolean;

  @Column('boolean', { default: false })
  blacklisted: boolean;

  @Column('timestamptz', { name: 'borrowed_until', nullable: true })
  borrowedUntil: Date | null;

  @Column('timestamptz', { name: 'activated_at' })
  activatedAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
