import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { type Socket } from 'node:net';
import { type ErrorBody } from '@keyledger/contract';
import { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * Errors Fastify raises before a route is chosen (a malformed percent-encoding in the path, a path
 * parameter over 100 characters) answer with the shared error body too, as 400 naming the path.
 */
export function frameworkErrors(error: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'Invalid request: params: a path parameter is over 100 characters'
      : error.code === 'FST_ERR_BAD_URL'
        ? 'Invalid request: params: the path is not valid percent-encoded UTF-8'
        : 'Invalid request';
  const body: ErrorBody = {
    statusCode: 400,
    error: 'Bad Request',
    message,
    details: [{ path: 'params', message: message.replace(/^Invalid request: params: /, '') }],
    requestId: String(req.id),
  };
  void reply.status(400).header('x-request-id', String(req.id)).header('content-type', 'application/json; charset=utf-8').send(body);
}

/**
 * Requests Node's HTTP parser refuses (headers over 16 KB, malformed request lines): the shared
 * error body written straight to the socket, with a fresh request id, instead of Fastify's own.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const requestId = randomUUID();
  const message =
    status === 431 ? 'The request headers are too large (over 16 KB)' : status === 408 ? 'The request took too long to arrive' : 'The request is not valid HTTP';
  const body: ErrorBody = { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, requestId };
  const json = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(json)}\r\nx-request-id: ${requestId}\r\nConnection: close\r\n\r\n${json}`,
  );
}
