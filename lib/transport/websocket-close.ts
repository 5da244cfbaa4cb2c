import { AuthenticationError, CodexError, ProtocolError, TransportClosedError } from '../errors.js';
import { CloseCode, describeCloseCode } from './close-codes.js';

/** What went wrong, as the socket reported it. */
export interface SocketEnd {
  readonly code: number;
  readonly reason: string;
  /** The last `error` event's message, if any (Node's `ws` says e.g. "Unexpected server response: 401"). */
  readonly errorMessage?: string;
  /** Whether the socket had opened. */
  readonly opened: boolean;
  /** The server, as safe to print (no credentials). */
  readonly where: string;
  /** The inbound size limit, for the message of error 1009. */
  readonly maxMessageBytes: number;
}

/** The typed error of a socket that closed without the client asking: refused, dropped, or closed with a code. */
export function errorForSocketEnd(end: SocketEnd): CodexError {
  const { code, reason, errorMessage, where } = end;
  const details = { closeCode: code, closeReason: reason };
  const status = /Unexpected server response: (\d{3})/.exec(errorMessage ?? '')?.[1];
  if (status !== undefined) {
    const httpStatus = Number(status);
    if (httpStatus === 401) return new AuthenticationError(`${where} refused the connection (HTTP 401): the token is missing, wrong or expired`, { ...details, httpStatus });
    if (httpStatus === 403) {
      return new AuthenticationError(`${where} refused the connection (HTTP 403): the credentials or the origin are not allowed (an app-server refuses every request with an Origin header)`, {
        ...details,
        httpStatus,
      });
    }
    return new TransportClosedError(`${where} refused the WebSocket upgrade (HTTP ${httpStatus})`, details);
  }
  if (/max payload size exceeded/i.test(errorMessage ?? '') || (code === CloseCode.MESSAGE_TOO_BIG && end.opened)) {
    return new ProtocolError(`${where} sent a message larger than ${end.maxMessageBytes} bytes (close ${code})`);
  }
  if (code === CloseCode.UNAUTHORIZED || code === CloseCode.FORBIDDEN) {
    return new AuthenticationError(`${where} closed the connection: ${describeCloseCode(code)} (${code})${reason ? `: ${reason}` : ''}`, details);
  }
  if (!end.opened) {
    return new TransportClosedError(`could not connect to ${where}${errorMessage ? `: ${errorMessage}` : ''} (close ${code}: ${describeCloseCode(code)})`, details);
  }
  return new TransportClosedError(`the connection to ${where} closed: ${describeCloseCode(code)} (${code})${reason ? `: ${reason}` : ''}`, details);
}
