// failOnce: the failure state both gateway upstreams (stdio, WebSocket) keep.
import { failOnce, isWebSocketUpstream } from '../../lib/gateway/upstream';

function recorder() {
  const reported: string[] = [];
  let stops = 0;
  const failure = failOnce({ message: () => undefined, failed: (reason) => reported.push(reason) }, () => stops++);
  return { failure, reported, stops: () => stops };
}

describe('failOnce', () => {
  it('reports the first failure and stops the upstream once; later failures are not reported', () => {
    const r = recorder();
    expect(r.failure.ended).toBe(false);
    r.failure.fail('the app-server exited with code 1');
    r.failure.fail('the app-server closed the connection');
    expect(r.reported).toEqual(['the app-server exited with code 1']);
    expect(r.stops()).toBe(1);
    expect(r.failure.ended).toBe(true);
  });

  it('reports nothing and stops nothing once the owner is closing it', () => {
    const r = recorder();
    r.failure.closing();
    expect(r.failure.ended).toBe(true);
    r.failure.fail('the app-server was killed by SIGTERM');
    expect(r.reported).toEqual([]);
    expect(r.stops()).toBe(0);
  });
});

describe('isWebSocketUpstream', () => {
  it('tells a shared server (url) from a process to spawn', () => {
    expect(isWebSocketUpstream({ url: 'ws://127.0.0.1:1' })).toBe(true);
    expect(isWebSocketUpstream({ codexBin: '/bin/codex' })).toBe(false);
  });
});
