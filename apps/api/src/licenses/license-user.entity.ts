import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { Auditable } from '../audit/auditable';

/** Someone a license is assigned to; shows in the license's entries as `user.email`, `user.firstName`… */
@Auditable<LicenseUserEntity>({ type: 'license_user', fieldPrefix: 'user', label: (u) => u.email, ignore: ['licenseId'] })
@Entity('license_users')
export class LicenseUserEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'account_id' })
  accountId: string;

  @Column('uuid', { name: 'license_id' })
  licenseId: string;

  @Column('text')
  email: string;

  @Column('text', { name: 'first_name', nullable: true })
  firstName: string | null;

  @Column('text', { name: 'last_name', nullable: true })
  lastName: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
