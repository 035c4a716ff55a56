import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Auditable } from '../audit/auditable';

@Auditable<OrderEntity>({
  type: 'order',
  label: (o) => o.reference,
  parents: (o) => [{ type: 'customer', id: o.customerId }],
})
@Entity('orders')
export class OrderEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'account_id' })
  accountId: string;

  @Column('uuid', { name: 'customer_id' })
  customerId: string;

  @Column('text')
  reference: string;

  @Column('boolean', { name: 'is_trial', default: false })
  isTrial: boolean;

  @Column('text', { nullable: true })
  notes: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}
