import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

interface Refusal {
  status: number;
  reason: string;
  code: string;
  message: string;
}

const HEADERS_TOO_LARGE: Refusal = { status: 431, reason: 'Request Header Fields Too Large', code: 'headers_too_large', message: 'Request headers are too large.' };
const TIMEOUT: Refusal = { status: 408, reason: 'Request Timeout', code: 'request_timeout', message: 'The request was not received in time.' };
const MALFORMED: Refusal = { status: 400, reason: 'Bad Request', code: 'parse_error', message: 'Malformed request.' };

/**
 * A request Node's HTTP parser refuses (headers or URL over 16 KB, a broken request line or
 * Content-Length) never reaches Koa: Node answers it itself with an empty body. This answers it
 * in the API's one error shape instead, then closes the connection as Node would.
 */
export function answerParserRefusals(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const refusal = err.code === 'HPE_HEADER_OVERFLOW' ? HEADERS_TOO_LARGE : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? TIMEOUT : MALFORMED;
    const body = JSON.stringify({ error: refusal.message, code: refusal.code, detail: refusal.message });
    socket.end(
      `HTTP/1.1 ${refusal.status} ${refusal.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
