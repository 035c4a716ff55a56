import { HttpException, HttpStatus } from '@nestjs/common';
import { type ErrorBody } from '@keyledger/contract';

type Detail = NonNullable<ErrorBody['details']>[number];

/** Throw to answer with the shared error body; `details` names the fields at fault. */
export class ApiError extends HttpException {
  constructor(status: number, message: string, readonly details?: Detail[]) {
    super(message, status);
  }
}

export const badRequest = (message: string, details?: Detail[]) => new ApiError(HttpStatus.BAD_REQUEST, message, details);
export const notFound = (what: string) => new ApiError(HttpStatus.NOT_FOUND, `${what} not found`);
export const conflict = (message: string) => new ApiError(HttpStatus.CONFLICT, message);
export const unauthorized = (message = 'Sign in to continue') => new ApiError(HttpStatus.UNAUTHORIZED, message);
export const forbidden = (message: string) => new ApiError(HttpStatus.FORBIDDEN, message);
export const tooManyRequests = (message: string) => new ApiError(HttpStatus.TOO_MANY_REQUESTS, message);
export const serviceUnavailable = (message: string) => new ApiError(HttpStatus.SERVICE_UNAVAILABLE, message);

/** PostgreSQL's unique_violation, for turning a lost race into a 409. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';
}
