import { Notifications } from '@mantine/notifications';

/** Mantine's notifications container, in a chunk of its own (see NotificationsHost). */
export default function NotificationsContainer() {
  return <Notifications position="bottom-right" />;
}
