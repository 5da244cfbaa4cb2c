/** classifyServerFrame: routing app-server frames without parsing them, in any key order. */
import { classifyServerFrame } from '../../lib/gateway/server-frame.js';
import { prng } from '../support/prng.js';

/** Every order of the keys of `message`, each as text and as bytes. */
function orders(message: Record<string, unknown>): Array<string | Buffer> {
  const keys = Object.keys(message);
  const perms: string[][] = [];
  const permute = (done: string[], rest: string[]) => {
    if (rest.length === 0) perms.push(done);
    rest.forEach((k, i) => permute([...done, k], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  permute([], keys);
  return perms.flatMap((order) => {
    const text = `{${order.map((k) => `${JSON.stringify(k)}:${JSON.stringify(message[k])}`).join(',')}}`;
    return [text, Buffer.from(text)];
  });
}

/** The verdict, with idAt checked: the id's JSON text sits there, and splicing another id there gives a frame with that id. */
function classify(frame: string | Buffer): unknown {
  const verdict = classifyServerFrame(frame);
  if (verdict.kind !== 'request' && verdict.kind !== 'response') return verdict;
  const [start, end] = verdict.idAt;
  const idText = typeof frame === 'string' ? frame.slice(start, end) : frame.subarray(start, end).toString('utf8');
  expect(JSON.parse(idText)).toEqual(verdict.id);
  const spliced = typeof frame === 'string' ? frame.slice(0, start) + '"tab-1"' + frame.slice(end) : Buffer.concat([frame.subarray(0, start), Buffer.from('"tab-1"'), frame.subarray(end)]).toString('utf8');
  expect(JSON.parse(spliced).id).toBe('tab-1');
  return { kind: verdict.kind, id: verdict.id };
}

describe('classifyServerFrame', () => {
  it('finds requests, responses and notifications whatever the key order, as text or bytes', () => {
    const request = { jsonrpc: '2.0', id: 12, method: 'item/commandExecution/requestApproval', params: { threadId: 't', id: 'nested', method: 'nested' } };
    for (const frame of orders(request)) expect([String(frame), classify(frame)]).toEqual([String(frame), { kind: 'request', id: 12 }]);
    const response = { id: 'a"b', result: { method: 'x', id: 3, params: ['{"id":1}'] }, jsonrpc: '2.0' };
    for (const frame of orders(response)) expect(classify(frame)).toEqual({ kind: 'response', id: 'a"b' });
    const error = { id: 4, error: { code: -32600, message: 'bad' } };
    for (const frame of orders(error)) expect(classify(frame)).toEqual({ kind: 'response', id: 4 });
    const notification = { method: 'item/agentMessage/delta', params: { delta: 'say "id":1, }', id: 9, itemId: 'i' }, jsonrpc: '2.0' };
    for (const frame of orders(notification)) expect(classify(frame)).toEqual({ kind: 'notification' });
  });

  it('agrees with JSON.parse on whitespace, escapes and unicode-escaped keys', () => {
    expect(classify(' \n{ "params" : { "a" : [ 1 , { } ] } ,\t"id" : -3.5e2 , "method" : "x\\"y" }\n')).toEqual({ kind: 'request', id: -350 });
    expect(classify('{"\\u0069d":"\\u00e9","result":null}')).toEqual({ kind: 'response', id: 'é' });
    expect(classify(Buffer.from('{"id":"é","result":true}'))).toEqual({ kind: 'response', id: 'é' });
    expect(classify('{"method":"m","params":{"s":"\\\\"},"id":1}')).toEqual({ kind: 'request', id: 1 });
  });

  it('anything else is unknown (never a request)', () => {
    for (const frame of ['', '[]', '[{"id":1,"method":"x"}]', '{}', '{"id":1}', '{"id":null,"method":"x"}', '{"id":{},"method":"x"}', '{"method":1,"id":1}', '{"id":1,"method":"x","result":1}', '{"id":1,"method":"x"', '{"id":1,"method":"x",}', '{"id":1 "method":"x"}', '{"id":1,"result":1} x', '{"id":01,"result":1}', '{"id":1,"result":1,"error":{}}', '{"id":1,"method":"x","id":2,"result":3}', 'null']) {
      expect([frame, classifyServerFrame(frame)]).toEqual([frame, { kind: 'unknown' }]);
    }
  });

  it('agrees with a JSON.parse oracle on random frames (seeded), keys in any order, escaped or not', () => {
    const random = prng(Number(process.env.FUZZ_SEED ?? 21));
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const values = [1, 0, -2, 1.5, 'x', 'é"\\', '\\u0069d', null, true, [], {}, { id: 1 }, ['"id"', { result: 1 }], { method: 'm', error: 'e' }];
    const keys = ['id', 'method', 'params', 'result', 'error', 'jsonrpc', 'x', 'itemId'];
    const oracle = (text: string) => {
      const m = JSON.parse(text) as Record<string, unknown>;
      const id = typeof m.id === 'string' || typeof m.id === 'number' ? m.id : undefined;
      const answers = Number('result' in m) + Number('error' in m);
      if (typeof m.method === 'string') return !('id' in m) ? (answers === 0 ? { kind: 'notification' } : { kind: 'unknown' }) : id !== undefined && answers === 0 ? { kind: 'request', id } : { kind: 'unknown' };
      if ('method' in m) return { kind: 'unknown' };
      return id !== undefined && answers === 1 ? { kind: 'response', id } : { kind: 'unknown' };
    };
    for (let n = 0; n < 5000; n++) {
      const chosen = [...new Set(Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(keys)))];
      const members = chosen.map((k) => {
        const v = k === 'method' && random() < 0.8 ? pick(['item/agentMessage/delta', 'error', 'x']) : k === 'id' && random() < 0.7 ? pick([7, 'abc', 0]) : pick(values);
        const key = random() < 0.1 ? `"\\u${k.charCodeAt(0).toString(16).padStart(4, '0')}${k.slice(1)}"` : JSON.stringify(k);
        return `${key}:${JSON.stringify(v)}`;
      });
      const text = `{${members.join(pick([',', ' , ']))}}`;
      const expected = oracle(text);
      for (const frame of [text, Buffer.from(text)]) expect([text, classify(frame)]).toEqual([text, expected]);
    }
  });
});
