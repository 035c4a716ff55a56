import { PERMISSIONS, ZErrorBody, type ErrorBody, type Permission } from '@keyledger/contract';
import { isFetchError } from '@ts-rest/react-query/v5';

/** What a failed ts-rest call threw: a network error, or a response with a non-2xx status. */
export type ApiFailure =
  | { kind: 'network'; message: string }
  | { kind: 'response'; status: number; body: ErrorBody }
  | { kind: 'unknown'; status: number | null; message: string };

function hasStatus(
  error: unknown,
): error is { status: number; body: unknown; headers?: unknown } {
  return (
    typeof error === 'object' &&
    error !== null &&
    'status' in error &&
    typeof error.status === 'number'
  );
}

export function classifyApiError(error: unknown): ApiFailure {
  if (isFetchError(error)) {
    return {
      kind: 'network',
      message: 'Could not reach the server. Check your connection and try again.',
    };
  }
  if (hasStatus(error)) {
    const parsed = ZErrorBody.safeParse(error.body);
    if (parsed.success) return { kind: 'response', status: error.status, body: parsed.data };
    return {
      kind: 'unknown',
      status: error.status,
      message: `The server answered with status ${error.status}.`,
    };
  }
  return { kind: 'unknown', status: null, message: 'Something went wrong.' };
}

/**
 * The id the API gave the failed request (the error body's `requestId`, else its `x-request-id`
 * header), so support can find it in the logs; null when no answer came.
 */
export function apiErrorRequestId(error: unknown): string | null {
  const failure = classifyApiError(error);
  if (failure.kind === 'response') return failure.body.requestId || null;
  if (hasStatus(error) && error.headers instanceof Headers) return error.headers.get('x-request-id');
  return null;
}

const withRequestId = (message: string, error: unknown) => {
  const id = apiErrorRequestId(error);
  return id ? `${message} (request id ${id})` : message;
};

/** What the API said, without the request id (for messages placed beside their own fields). */
export function apiErrorText(error: unknown): string {
  const failure = classifyApiError(error);
  switch (failure.kind) {
    case 'network':
    case 'unknown':
      return failure.message;
    case 'response':
      return failure.body.message;
  }
}

/**
 * One human sentence for a failed call, for notifications and error states, ending with the
 * request id whenever the server answered, so a screenshot of any error leads to its log lines.
 */
export function apiErrorMessage(error: unknown): string {
  return withRequestId(apiErrorText(error), error);
}

export function apiErrorStatus(error: unknown): number | null {
  const failure = classifyApiError(error);
  switch (failure.kind) {
    case 'network':
      return null;
    case 'unknown':
      return failure.status;
    case 'response':
      return failure.status;
  }
}

/** The error body's `details`, keyed by field name (the last segment of each path). */
export function apiFieldErrors(error: unknown): Record<string, string> {
  const failure = classifyApiError(error);
  if (failure.kind !== 'response') return {};
  const out: Record<string, string> = {};
  for (const d of failure.body.details ?? []) {
    const field =
      d.path
        .split(/[.[\]]/)
        .filter(Boolean)
        .pop() ?? d.path;
    out[field] ??= d.message;
  }
  return out;
}

/** The details' messages (or the message) as lines, for inline validation errors. */
export function apiErrorLines(error: unknown): string[] {
  const failure = classifyApiError(error);
  if (failure.kind === 'response' && failure.body.details?.length) {
    const lines = failure.body.details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message));
    lines[lines.length - 1] = withRequestId(lines[lines.length - 1]!, error);
    return lines;
  }
  return [apiErrorMessage(error)];
}

/**
 * The permission a 403 answer says is missing. The API words it "You need the licenses:read
 * permission for this"; the error body has no field for it, so it is read from the message and
 * only accepted if it is one of the contract's permissions.
 */
export function apiErrorPermission(error: unknown): Permission | null {
  const failure = classifyApiError(error);
  if (failure.kind !== 'response' || failure.status !== 403) return null;
  const named: string[] = failure.body.message.match(/[a-z_]+:[a-z_]+/g) ?? [];
  return PERMISSIONS.find((p) => named.includes(p)) ?? null;
}
