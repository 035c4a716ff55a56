import { Switch } from '@mantine/core';

/** An item history's "Include related items" (AuditLogTable loads it for item scopes only). */
export default function RelatedSwitch({
  checked,
  onChange,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <Switch
      label="Include related items"
      checked={checked}
      onChange={(e) => onChange(e.currentTarget.checked)}
    />
  );
}
