import { HttpException, HttpStatus } from '@nestjs/common';
import { type ErrorBody } from '@keyledger/contract';

type Detail = NonNullable<ErrorBody['details']>[number];

/** Throw to answer with the shared error body; `details` names the fields at fault. */
export class ApiError extends HttpException {
  /** Seconds for a `Retry-After` header (429, 503). */
  retryAfterSeconds?: number;

  constructor(status: number, message: string, readonly details?: Detail[]) {
    super(message, status);
  }
}

export const badRequest = (message: string, details?: Detail[]) => new ApiError(HttpStatus.BAD_REQUEST, message, details);
export const notFound = (what: string) => new ApiError(HttpStatus.NOT_FOUND, `${what} not found`);
export const conflict = (message: string) => new ApiError(HttpStatus.CONFLICT, message);
export const unauthorized = (message = 'Sign in to continue') => new ApiError(HttpStatus.UNAUTHORIZED, message);
export const forbidden = (message: string) => new ApiError(HttpStatus.FORBIDDEN, message);
/** 429; with `retryAfterSeconds` the answer carries `Retry-After`. */
export const tooManyRequests = (message: string, retryAfterSeconds?: number) => {
  const err = new ApiError(HttpStatus.TOO_MANY_REQUESTS, message);
  if (retryAfterSeconds !== undefined) err.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return err;
};
export const serviceUnavailable = (message: string) => new ApiError(HttpStatus.SERVICE_UNAVAILABLE, message);

/** PostgreSQL's unique_violation, for turning a lost race into a 409. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';
}
