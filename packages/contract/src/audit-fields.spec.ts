import { auditFieldItemType, auditFieldLabel, humanizeFieldName } from './audit-fields';

describe('audit field labels', () => {
  it('names listed fields, sub-record fields and unlisted ones', () => {
    expect(auditFieldLabel('maxConsumptions')).toBe('Max consumptions');
    expect(auditFieldLabel('user.email')).toBe('User › Email');
    expect(auditFieldLabel('device.Build server.blacklisted')).toBe(
      'Device › Build server › Blacklisted',
    );
    expect(auditFieldLabel('someNewField')).toBe('Some new field');
    expect(humanizeFieldName('snake_case_name')).toBe('Snake case name');
  });

  it('knows which fields hold item ids', () => {
    expect(auditFieldItemType('orderId')).toBe('order');
    expect(auditFieldItemType('permissionTemplateId')).toBe('permission_template');
    expect(auditFieldItemType('name')).toBeNull();
  });
});
