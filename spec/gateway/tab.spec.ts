/**
 * Tab: one client WebSocket of a principal, on a stand-in socket and fake timers. It relays
 * frames to its hub, closes with a code and a reason that fits, cuts off a peer that never
 * completes the close, times out when idle, and reports when it falls behind and catches up.
 * Through a real socket: gateway.spec.ts (idle timeout, slow client, oversized frame).
 */
import { EventEmitter } from 'node:events';
import type WebSocket from 'ws';
import { Tab, type TabEvents, type TabLimits } from '../../lib/gateway/tab.js';
import { CloseCode, describeCloseCode } from '../../lib/transport/close-codes.js';

/** The parts of a `ws` socket a Tab uses, recorded. */
class FakeSocket extends EventEmitter {
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: Array<[string | Buffer, unknown]> = [];
  readonly closeCalls: Array<[number, string]> = [];
  terminations = 0;
  send(data: string | Buffer, options: unknown): void {
    this.sent.push([data, options]);
  }
  close(code: number, reason: string): void {
    this.closeCalls.push([code, reason]);
    this.readyState = 2;
  }
  /** The peer completes the closing handshake (or closes first). */
  closed(code: number): void {
    this.readyState = 3;
    this.emit('close', code, Buffer.alloc(0));
  }
  terminate(): void {
    this.terminations++;
    this.closed(1006);
  }
}

function harness(limits: Partial<TabLimits> = {}) {
  const socket = new FakeSocket();
  const messages: Array<[Buffer, boolean]> = [];
  const slow: boolean[] = [];
  let closed = 0;
  const logs: string[] = [];
  const events: TabEvents = {
    message: (t, data, isBinary) => {
      expect(t).toBe(tab);
      messages.push([data, isBinary]);
    },
    slow: (_t, s) => slow.push(s),
    closed: (t) => {
      expect(t).toBe(tab);
      closed++;
    },
  };
  const tab: Tab = new Tab(7, socket as unknown as WebSocket, { idleTimeoutMs: 0, maxBufferedBytes: 1000, ...limits }, events, (line) => logs.push(line));
  return { tab, socket, messages, slow, logs, closedCount: () => closed };
}

describe('Tab', () => {
  afterEach(() => jest.useRealTimers());

  it('relays each frame to its hub and sends text frames, until it ends', async () => {
    const { tab, socket, messages } = harness();
    expect(tab.id).toBe(7);
    expect(tab.initialized).toBe(false);
    const frame = Buffer.from('{"id":1,"method":"model/list"}');
    socket.emit('message', frame, false);
    socket.emit('message', Buffer.from([1, 2]), true);
    expect(messages).toEqual([
      [frame, false],
      [Buffer.from([1, 2]), true],
    ]);
    tab.send('{"method":"x"}');
    tab.send(Buffer.from('{"method":"y"}'));
    expect(socket.sent).toEqual([
      ['{"method":"x"}', { binary: false }],
      [Buffer.from('{"method":"y"}'), { binary: false }],
    ]);
    const closing = tab.close(CloseCode.NORMAL);
    socket.closed(CloseCode.NORMAL);
    await closing;
    socket.emit('message', frame, false);
    tab.send('{"method":"late"}');
    expect(messages).toHaveLength(2);
    expect(socket.sent).toHaveLength(2);
  });

  it('closes with the code and its description (or a reason cut to 120 bytes), once; resolves when the socket is closed', async () => {
    const { tab, socket, logs, closedCount } = harness();
    let done = false;
    const closing = tab.close(CloseCode.TOO_MANY_MESSAGES).then(() => (done = true));
    void tab.close(CloseCode.BAD_REQUEST, 'a second close');
    expect(socket.closeCalls).toEqual([[CloseCode.TOO_MANY_MESSAGES, describeCloseCode(CloseCode.TOO_MANY_MESSAGES)]]);
    expect(closedCount()).toBe(1);
    expect(logs).toEqual([`connection 7: closed (4429: too many messages per second)`]);
    await Promise.resolve();
    expect(done).toBe(false);
    socket.closed(CloseCode.TOO_MANY_MESSAGES);
    await closing;
    expect(closedCount()).toBe(1);

    const long = harness();
    void long.tab.close(CloseCode.FORBIDDEN, 'é'.repeat(100));
    expect(Buffer.byteLength(long.socket.closeCalls[0][1])).toBeLessThanOrEqual(120);
    expect(long.socket.closeCalls[0][1].startsWith('é'.repeat(59))).toBe(true);
  });

  it('defaults to 1001 (going away)', () => {
    const { tab, socket } = harness();
    void tab.close();
    expect(socket.closeCalls).toEqual([[CloseCode.GOING_AWAY, 'the gateway is shutting down']]);
  });

  it('cuts off a peer that does not complete the closing handshake within a second', async () => {
    jest.useFakeTimers();
    const { tab, socket } = harness();
    const closing = tab.close(CloseCode.NORMAL);
    jest.advanceTimersByTime(999);
    expect(socket.terminations).toBe(0);
    jest.advanceTimersByTime(1);
    expect(socket.terminations).toBe(1);
    await closing;
  });

  it('does not cut off a peer that completed the close', async () => {
    jest.useFakeTimers();
    const { tab, socket } = harness();
    const closing = tab.close(CloseCode.NORMAL);
    socket.closed(CloseCode.NORMAL);
    await closing;
    jest.advanceTimersByTime(5000);
    expect(socket.terminations).toBe(0);
  });

  it('terminates a socket still connecting, and leaves alone one already closing', () => {
    const connecting = harness();
    connecting.socket.readyState = 0;
    void connecting.tab.close(CloseCode.GOING_AWAY);
    expect(connecting.socket.terminations).toBe(1);
    expect(connecting.socket.closeCalls).toEqual([]);
    const closing = harness();
    closing.socket.readyState = 2;
    void closing.tab.close(CloseCode.GOING_AWAY);
    expect([closing.socket.terminations, closing.socket.closeCalls]).toEqual([0, []]);
  });

  it('reports a close by the peer once, with its code, and closes nothing itself', () => {
    const { socket, logs, closedCount } = harness();
    socket.closed(1000);
    socket.closed(1000);
    expect(closedCount()).toBe(1);
    expect(socket.closeCalls).toEqual([]);
    expect(logs).toEqual(['connection 7: closed (1000: closed normally)']);
  });

  it('closes with 1009 after an oversized frame (ws\'s own error) and 4400 after any other socket error', () => {
    const big = harness();
    big.socket.emit('error', Object.assign(new Error('Max payload size exceeded'), { code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' }));
    expect(big.socket.closeCalls[0][0]).toBe(CloseCode.MESSAGE_TOO_BIG);
    const bad = harness();
    bad.socket.emit('error', Object.assign(new Error('Invalid WebSocket frame: RSV1 must be clear'), { code: 'WS_ERR_UNEXPECTED_RSV_1' }));
    expect(bad.socket.closeCalls[0][0]).toBe(CloseCode.BAD_REQUEST);
  });

  it('closes after idleTimeoutMs with nothing moving either way; a frame in or out starts the wait again', () => {
    jest.useFakeTimers();
    const { tab, socket } = harness({ idleTimeoutMs: 1000 });
    jest.advanceTimersByTime(600);
    socket.emit('message', Buffer.from('{}'), false);
    jest.advanceTimersByTime(600);
    tab.send('{"method":"x"}');
    jest.advanceTimersByTime(999);
    expect(socket.closeCalls).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(socket.closeCalls).toEqual([[CloseCode.IDLE_TIMEOUT, 'idle for too long']]);
  });

  it('never times out with idleTimeoutMs 0', () => {
    jest.useFakeTimers();
    const { socket } = harness({ idleTimeoutMs: 0 });
    jest.advanceTimersByTime(24 * 3600 * 1000);
    expect(socket.closeCalls).toEqual([]);
  });

  it('reports slow once past maxBufferedBytes and caught up once drained to half of it', () => {
    jest.useFakeTimers();
    const { tab, socket, slow } = harness({ maxBufferedBytes: 1000 });
    socket.bufferedAmount = 1000;
    tab.send('a');
    expect(slow).toEqual([]); // at the limit, not past it
    socket.bufferedAmount = 1001;
    tab.send('b');
    tab.send('c');
    expect(slow).toEqual([true]);
    socket.bufferedAmount = 501;
    jest.advanceTimersByTime(100);
    expect(slow).toEqual([true]);
    socket.bufferedAmount = 500;
    jest.advanceTimersByTime(20);
    expect(slow).toEqual([true, false]);
    socket.bufferedAmount = 2000;
    tab.send('d');
    expect(slow).toEqual([true, false, true]);
  });

  it('reports caught up when it ends while slow, so its hub resumes the upstream', () => {
    const { tab, socket, slow } = harness({ maxBufferedBytes: 10 });
    socket.bufferedAmount = 11;
    tab.send('x');
    void tab.close(CloseCode.NORMAL);
    expect(slow).toEqual([true, false]);
  });
});
