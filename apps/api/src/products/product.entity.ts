import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { type Product } from '@keyledger/contract';
import { Auditable } from '../audit/auditable';

@Auditable<ProductEntity>({ type: 'product', label: (p) => p.name })
@Entity('products')
export class ProductEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'account_id' })
  accountId: string;

  @Column('text')
  name: string;

  @Column('text')
  code: string;

  @Column('text', { array: true, default: () => "'{}'" })
  features: string[];

  @Column('text', { default: 'active' })
  status: Product['status'];

  @Column('boolean', { default: false })
  archived: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}
