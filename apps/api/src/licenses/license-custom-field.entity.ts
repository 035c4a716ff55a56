import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Auditable } from '../audit/auditable';

/** A vendor-defined name/value on a license; shows in the license's entries as `customField.<name>.value`. */
@Auditable<LicenseCustomFieldEntity>({
  type: 'license_custom_field',
  fieldPrefix: (f) => `customField.${f.name}`,
  label: (f) => f.name,
  ignore: ['licenseId', 'name'],
})
@Entity('license_custom_fields')
export class LicenseCustomFieldEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'account_id' })
  accountId: string;

  @Column('uuid', { name: 'license_id' })
  licenseId: string;

  @Column('text')
  name: string;

  @Column('text')
  value: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
