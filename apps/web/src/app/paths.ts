/** Where signing in lands, unless the user was on their way somewhere else. */
export const DEFAULT_APP_PATH = '/settings/audit-logs';

/** Only same-site paths are followed after sign-in. */
export function safeRedirect(target: string | undefined): string {
  return target && target.startsWith('/') && !target.startsWith('//') ? target : DEFAULT_APP_PATH;
}
