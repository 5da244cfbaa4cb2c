/** How a WebSocket's end becomes the typed error a caller sees. */
import { AuthenticationError, ProtocolError, TransportClosedError } from '../../lib/errors.js';
import { errorForSocketEnd, type SocketEnd } from '../../lib/transport/websocket-close.js';

const end = (more: Partial<SocketEnd>): SocketEnd => ({ code: 1006, reason: '', opened: true, where: 'ws://127.0.0.1:1', maxMessageBytes: 1024, ...more });

describe('errorForSocketEnd', () => {
  it('a refused upgrade with HTTP 401 or 403 is an AuthenticationError carrying the status', () => {
    const e401 = errorForSocketEnd(end({ opened: false, errorMessage: 'Unexpected server response: 401' }));
    expect(AuthenticationError.is(e401)).toBe(true);
    expect(e401).toMatchObject({ httpStatus: 401, closeCode: 1006 });
    expect(e401.message).toMatch(/HTTP 401.*token/);
    expect(errorForSocketEnd(end({ opened: false, errorMessage: 'Unexpected server response: 403' }))).toMatchObject({ httpStatus: 403 });
  });

  it('another refused upgrade is a TransportClosedError naming the status', () => {
    const e = errorForSocketEnd(end({ opened: false, errorMessage: 'Unexpected server response: 502' }));
    expect(TransportClosedError.is(e)).toBe(true);
    expect(e.message).toBe('ws://127.0.0.1:1 refused the WebSocket upgrade (HTTP 502)');
  });

  it('a message over the limit is a ProtocolError naming the limit', () => {
    for (const e of [errorForSocketEnd(end({ errorMessage: 'Max payload size exceeded' })), errorForSocketEnd(end({ code: 1009 }))]) {
      expect(ProtocolError.is(e)).toBe(true);
      expect(e.message).toMatch(/larger than 1024 bytes/);
    }
  });

  it('a close with 4401 or 4403 is an AuthenticationError with the reason', () => {
    const e = errorForSocketEnd(end({ code: 4403, reason: 'origin' }));
    expect(AuthenticationError.is(e)).toBe(true);
    expect(e.message).toBe('ws://127.0.0.1:1 closed the connection: origin not allowed or forbidden (4403): origin');
  });

  it('otherwise a TransportClosedError: "could not connect" before opening, "closed" after', () => {
    const before = errorForSocketEnd(end({ opened: false, errorMessage: 'ECONNREFUSED' }));
    expect(TransportClosedError.is(before)).toBe(true);
    expect(before.message).toMatch(/^could not connect to ws:\/\/127\.0\.0\.1:1: ECONNREFUSED \(close 1006/);
    const after = errorForSocketEnd(end({ code: 1001, reason: 'bye' }));
    expect(after.message).toBe('the connection to ws://127.0.0.1:1 closed: the gateway is shutting down (1001): bye');
    expect(after).toMatchObject({ closeCode: 1001, closeReason: 'bye' });
  });
});
