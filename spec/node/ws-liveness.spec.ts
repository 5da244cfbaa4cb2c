import { keepSocketAlive, watchLiveness } from '../../lib/node/ws-liveness.js';
import type { WebSocketLike } from '../../lib/transport/websocket-like.js';

// Node's `ws` needs of WebSocketTransport (pings, process lifetime), unit by unit; the transport
// against a real `ws` server: spec/transport/websocket-transport.spec.ts.

function fakeSocket(withPing = true) {
  const listeners: Record<string, Array<() => void>> = {};
  let pings = 0;
  const socket = {
    readyState: 1,
    bufferedAmount: 0,
    protocol: '',
    send: () => undefined,
    close: () => undefined,
    addEventListener: (type: string, l: () => void) => void (listeners[type] ??= []).push(l),
    ...(withPing ? { ping: () => void pings++, on: (type: string, l: () => void) => void (listeners[type] ??= []).push(l) } : {}),
  } as unknown as WebSocketLike;
  return { socket, emit: (type: string) => listeners[type]?.forEach((l) => l()), pings: () => pings };
}

describe('watchLiveness', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('pings every interval and calls dead() when the last ping got no pong', () => {
    const { socket, pings } = fakeSocket();
    const dead = jest.fn();
    watchLiveness(socket, 100, dead);
    jest.advanceTimersByTime(100);
    expect([pings(), dead.mock.calls.length]).toEqual([1, 0]);
    jest.advanceTimersByTime(100);
    expect(dead).toHaveBeenCalledTimes(1);
  });

  it('a pong, or any message, counts as an answer', () => {
    const { socket, emit, pings } = fakeSocket();
    const dead = jest.fn();
    watchLiveness(socket, 100, dead);
    jest.advanceTimersByTime(100);
    emit('pong');
    jest.advanceTimersByTime(100);
    emit('message');
    jest.advanceTimersByTime(100);
    expect([pings(), dead.mock.calls.length]).toEqual([3, 0]);
  });

  it('stops when told; does nothing for 0 ms or a socket without ping (a browser one)', () => {
    const a = fakeSocket();
    const dead = jest.fn();
    watchLiveness(a.socket, 100, dead)();
    jest.advanceTimersByTime(1000);
    expect(a.pings()).toBe(0);
    const b = fakeSocket();
    watchLiveness(b.socket, 0, dead);
    watchLiveness(fakeSocket(false).socket, 100, dead);
    jest.advanceTimersByTime(1000);
    expect([b.pings(), dead.mock.calls.length]).toEqual([0, 0]);
  });
});

describe('keepSocketAlive', () => {
  it("refs or unrefs ws's net.Socket; leaves a destroyed one, or a socket without one, alone", () => {
    const raw = { ref: jest.fn(), unref: jest.fn(), destroyed: false };
    const socket = { _socket: raw } as unknown as WebSocketLike;
    keepSocketAlive(socket, false);
    keepSocketAlive(socket, true);
    expect([raw.unref.mock.calls.length, raw.ref.mock.calls.length]).toEqual([1, 1]);
    raw.destroyed = true;
    keepSocketAlive(socket, true);
    expect(raw.ref).toHaveBeenCalledTimes(1);
    expect(() => keepSocketAlive({} as WebSocketLike, true)).not.toThrow();
  });
});
