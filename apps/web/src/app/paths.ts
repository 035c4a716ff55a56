/**
 * Where signing in lands, unless the user was on their way somewhere else: the index route, which
 * sends each user on to the first page they may read.
 */
export const DEFAULT_APP_PATH = '/';

/** Only same-site paths are followed after sign-in. */
export function safeRedirect(target: string | undefined): string {
  return target && target.startsWith('/') && !target.startsWith('//') ? target : DEFAULT_APP_PATH;
}
