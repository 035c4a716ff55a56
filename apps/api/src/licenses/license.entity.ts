import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { type LicenseType } from '@keyledger/contract';
import { Auditable } from '../audit/auditable';
import { licenseKeyHint } from './license-key';

@Auditable<LicenseEntity>({
  type: 'license',
  label: (l) => licenseKeyHint(l.key),
  parents: (l) => [
    { type: 'order', id: l.orderId },
    { type: 'customer', id: l.customerId },
    { type: 'product', id: l.productId },
  ],
  secrets: { key: 'key' },
  ignore: ['customerId'],
})
@Entity('licenses')
export class LicenseEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'account_id' })
  accountId: string;

  @Column('uuid', { name: 'order_id' })
  orderId: string;

  /** The order's customer, kept for links and filters (an order never changes customer). */
  @Column('uuid', { name: 'customer_id' })
  customerId: string;

  @Column('uuid', { name: 'product_id' })
  productId: string;

  @Column('text')
  key: string;

  @Column('text')
  type: LicenseType;

  @Column('boolean', { default: true })
  enabled: boolean;

  @Column('integer', { name: 'max_activations' })
  maxActivations: number;

  @Column('timestamptz', { name: 'valid_until', nullable: true })
  validUntil: Date | null;

  @Column('integer', { name: 'max_consumptions', nullable: true })
  maxConsumptions: number | null;

  @Column('integer', { default: 0 })
  consumptions: number;

  @Column('text', { array: true, default: () => "'{}'" })
  features: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}
