import { Alert } from '@mantine/core';
import { onlineManager } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';

const subscribe = (onChange: () => void) => onlineManager.subscribe(onChange);
const isOnline = () => onlineManager.isOnline();

/**
 * A notice pinned to the top while the browser is offline: queries wait for the connection (React
 * Query pauses them), so without it a page would show its loading state with no word of why.
 */
export function OfflineNotice() {
  const online = useSyncExternalStore(subscribe, isOnline, () => true);
  if (online) return null;
  return (
    <Alert
      role="status"
      color="yellow"
      title="You are offline"
      radius={0}
      style={{ position: 'sticky', top: 0, zIndex: 300 }}
    >
      Pages load, and changes are sent, as soon as the connection is back.
    </Alert>
  );
}
