import type { ItemRef } from '@keyledger/contract';
import { Text } from '@mantine/core';
import { HoverTooltip } from '../../../components/HoverTooltip';
import { itemLink, itemTypeInfo } from '../../../app/itemTypes';
import { RouterAnchor } from '../../../components/RouterLinks';
import { usePermissions } from '../../auth/hooks/usePermissions';
import { PERMISSION_ABILITIES } from '../../auth/permissions';

/**
 * An item's label, linking to its page when it has one and the viewer may open it; otherwise plain
 * text (with the reason on hover when it is a missing permission). Clicks do not reach the row below.
 */
export function ItemLink({ item, truncate = true }: { item: ItemRef; truncate?: boolean }) {
  const { can } = usePermissions();
  const link = itemLink(item, can);
  const label = item.label || item.id;
  const trunc = truncate ? ('end' as const) : undefined;
  if (!link) {
    const info = itemTypeInfo(item.type);
    const denied = info.route !== null && info.readPermission !== null && !can(info.readPermission);
    const text = (
      <Text size="sm" span truncate={trunc} title={denied ? undefined : label} data-nolink="">
        {label}
      </Text>
    );
    return denied && info.readPermission ? (
      <HoverTooltip
        label={`You don't have permission to ${PERMISSION_ABILITIES[info.readPermission]}`}
        withArrow
      >
        {text}
      </HoverTooltip>
    ) : (
      text
    );
  }
  return (
    <RouterAnchor
      to={link.to}
      params={link.params}
      size="sm"
      truncate={trunc}
      title={label}
      onClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => e.stopPropagation()}
    >
      {label}
    </RouterAnchor>
  );
}
