/** InboundSubscriber: the transport's messages to three callbacks, unsubscribed once it ends. */
import { Subject } from 'rxjs';
import { InboundSubscriber } from '../../lib/rpc/inbound-subscriber.js';

function subscriber() {
  const seen: string[] = [];
  const s = new InboundSubscriber<string>((m) => seen.push(`msg ${m}`), (e) => seen.push(`error ${String(e)}`), () => seen.push('complete'));
  return { s, seen };
}

describe('InboundSubscriber', () => {
  it('passes each message on, then the completion, and unsubscribes', () => {
    const { s, seen } = subscriber();
    const source = new Subject<string>();
    source.subscribe(s);
    source.next('a');
    source.next('b');
    source.complete();
    expect(seen).toEqual(['msg a', 'msg b', 'complete']);
    expect(s.closed).toBe(true);
  });

  it('passes the error on and unsubscribes, even when the callback throws', () => {
    const source = new Subject<string>();
    const s = new InboundSubscriber<string>(() => undefined, () => {
      throw new Error('handler failed');
    }, () => undefined);
    source.subscribe(s);
    expect(() => source.error('dropped')).toThrow('handler failed');
    expect(s.closed).toBe(true);
    expect(source.observed).toBe(false);
  });

  it('after the end, nothing more reaches the callbacks', () => {
    const { s, seen } = subscriber();
    const source = new Subject<string>();
    source.subscribe(s);
    source.error('x');
    s.next('late');
    expect(seen).toEqual(['error x']);
  });
});
