import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { Auditable } from '../audit/auditable';

/** A sub-record of an order: its addition or removal shows in the order's entry as `manager.email`. */
@Auditable<OrderManagerEntity>({ type: 'order_manager', fieldPrefix: 'manager', label: (m) => m.email, ignore: ['orderId'] })
@Entity('order_managers')
export class OrderManagerEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'account_id' })
  accountId: string;

  @Column('uuid', { name: 'order_id' })
  orderId: string;

  @Column('text')
  email: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
