import { AuthenticationError, CodexError, ProtocolError, TransportClosedError } from '../errors.js';
import { CloseCode, describeCloseCode } from './close-codes.js';

/** Meanings of the standard close codes a client meets (the gateway's own are in close-codes.ts). */
const STANDARD: Readonly<Record<number, string>> = {
  1000: 'closed normally',
  1001: 'the server is going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'closed without a status',
  1006: 'dropped without a close frame (network failure, refused upgrade, or the server died)',
  1007: 'invalid frame payload',
  1008: 'policy violation',
  1009: 'a message was too big',
  1011: 'the server failed internally',
  1012: 'the server is restarting',
  1013: 'try again later',
};

/** Words for a close code: the gateway's meaning, the standard's, or the range it falls in. */
export function closeCodeText(code: number): string {
  const known = describeCloseCode(code);
  if (code !== 1006 && known !== `close code ${code}`) return known;
  return STANDARD[code] ?? (code >= 4000 && code <= 4999 ? 'application-defined' : 'unknown close code');
}

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
    return new AuthenticationError(`${where} closed the connection: ${closeCodeText(code)} (${code})${reason ? `: ${reason}` : ''}`, details);
  }
  if (!end.opened) {
    return new TransportClosedError(`could not connect to ${where}${errorMessage ? `: ${errorMessage}` : ''} (close ${code}: ${closeCodeText(code)})`, details);
  }
  return new TransportClosedError(`the connection to ${where} closed: ${closeCodeText(code)} (${code})${reason ? `: ${reason}` : ''}`, details);
}
