/** errorFromWire: a JSON-RPC error answer as a typed, redacted error — whatever its shape, never throwing. */
import { InvalidRequestError, JsonRpcError, MethodNotFoundError } from '../../lib/errors.js';
import type { WireError } from '../../lib/rpc/message.js';
import { errorFromWire } from '../../lib/rpc/wire-error.js';

const mask = (text: string) => text.replace(/sk-[a-z0-9]+/g, '[redacted]');

describe('errorFromWire', () => {
  it('maps the code to its error class and names the method', () => {
    const e = errorFromWire({ code: -32601, message: 'no such method' }, 'thread/start', mask);
    expect(MethodNotFoundError.is(e)).toBe(true);
    expect(e).toMatchObject({ code: -32601, method: 'thread/start', message: 'thread/start: no such method (-32601)' });
    expect(InvalidRequestError.is(errorFromWire({ code: -32600, message: 'bad' }, 'm', mask))).toBe(true);
  });

  it('redacts the message and every string of the data, keys included', () => {
    const e = errorFromWire({ code: -32000, message: 'key sk-abc123 refused', data: { 'sk-k1': ['token sk-def456'] } }, 'turn/start', mask) as JsonRpcError;
    expect(e.message).toBe('turn/start: key [redacted] refused (-32000)');
    expect(e.data).toEqual({ '[redacted]': ['token [redacted]'] });
    expect(JSON.stringify({ m: e.message, d: e.data })).not.toContain('sk-');
  });

  it('a message that is no string is described, then redacted', () => {
    const e = errorFromWire({ code: -32000, message: { detail: 'sk-zzz9' } } as unknown as WireError, 'm', mask);
    expect(e.message).toBe('m: {"detail":"[redacted]"} (-32000)');
  });

  it('never throws: a redactor that throws gives a plain JsonRpcError saying the error was unreadable', () => {
    const e = errorFromWire({ code: -32000, message: 'x' }, 'thread/read', () => {
      throw new Error('boom');
    });
    expect(JsonRpcError.is(e)).toBe(true);
    expect(e).toMatchObject({ code: -32000, method: 'thread/read', message: 'thread/read: the app-server answered with an unreadable error (-32000)' });
  });
});
