import { notifications } from '@mantine/notifications';
import { apiErrorMessage } from './errors';

export function notifyError(title: string, error: unknown): void {
  notifications.show({ color: 'red', title, message: apiErrorMessage(error) });
}

export function notifySuccess(message: string): void {
  notifications.show({ color: 'green', message });
}
