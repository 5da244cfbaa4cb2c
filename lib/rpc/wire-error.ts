import { JsonRpcError, rpcErrorFromWire, type CodexError } from '../errors.js';
import type { WireError } from './message.js';
import { describeError, redactValue, type Redact } from './redaction.js';

/**
 * The typed error of a JSON-RPC error answer to `method`: whatever its shape, redacted, never
 * throwing — a hostile or broken server's answer must reach the caller as an error, not crash the
 * inbound stream.
 */
export function errorFromWire(error: WireError, method: string, redact: Redact): CodexError {
  try {
    const message = typeof error.message === 'string' ? error.message : describeError(error.message);
    return rpcErrorFromWire({ code: error.code, message: redact(message), data: redactValue(error.data, redact) }, method);
  } catch {
    return new JsonRpcError(error.code, 'the app-server answered with an unreadable error', undefined, method);
  }
}
