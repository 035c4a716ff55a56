import { useNotifications } from '@mantine/notifications';
import { lazy, Suspense, useState } from 'react';

/** The toasts (and the transition library they animate with) load with the first one shown. */
const NotificationsContainer = lazy(() => import('./NotificationsContainer'));

/**
 * Where notifications appear. `notifications.show()` only writes to Mantine's store, which holds
 * what is shown until the container has loaded: pages that show none never load it.
 */
export function NotificationsHost() {
  const { notifications, queue } = useNotifications();
  const [used, setUsed] = useState(false);
  if (!used && notifications.length + queue.length > 0) setUsed(true);
  if (!used) return null;
  return (
    <Suspense fallback={null}>
      <NotificationsContainer />
    </Suspense>
  );
}
