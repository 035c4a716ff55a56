import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { type NotificationEvent } from '@keyledger/contract';
import { Auditable } from '../audit/auditable';

@Auditable<NotificationPolicyEntity>({ type: 'notification_policy', label: (p) => p.name })
@Entity('notification_policies')
export class NotificationPolicyEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'account_id' })
  accountId: string;

  @Column('text')
  name: string;

  @Column('text')
  event: NotificationEvent;

  @Column('text', { array: true })
  recipients: string[];

  @Column('boolean', { default: true })
  enabled: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}
