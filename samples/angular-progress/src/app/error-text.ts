import { AuthenticationError, CodexError, MethodNotAllowedError, TransportClosedError } from 'codex-rx';

/** One readable line for the page: the error's name and message, never a stack trace. */
export function errorText(error: unknown): string {
  if (AuthenticationError.is(error)) return `Signed out: ${error.message}`;
  if (TransportClosedError.is(error)) return `The connection to the server closed: ${error.message}`;
  if (MethodNotAllowedError.is(error)) return `The server does not allow this: ${error.message}`;
  if (CodexError.is(error)) return `${error.name}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
