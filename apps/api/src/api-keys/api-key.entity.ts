import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { type Permission } from '@keyledger/contract';

@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'account_id' })
  accountId: string;

  @Column('text')
  name: string;

  /** SHA-256 (hex) of the secret; the secret itself is never stored. */
  @Column('text', { name: 'token_hash' })
  tokenHash: string;

  @Column('text')
  hint: string;

  @Column('text', { array: true, default: () => "'{}'" })
  permissions: Permission[];

  @Column('uuid', { name: 'created_by_id', nullable: true })
  createdById: string | null;

  @Column('text', { name: 'created_by_name' })
  createdByName: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
