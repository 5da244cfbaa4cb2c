/** classifyServerFrame: routing app-server frames without parsing them, in any key order. */
import { classifyServerFrame } from '../../lib/gateway/server-frame.js';

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

describe('classifyServerFrame', () => {
  it('finds requests, responses and notifications whatever the key order, as text or bytes', () => {
    const request = { jsonrpc: '2.0', id: 12, method: 'item/commandExecution/requestApproval', params: { threadId: 't', id: 'nested', method: 'nested' } };
    for (const frame of orders(request)) expect([String(frame), classifyServerFrame(frame)]).toEqual([String(frame), { kind: 'request', id: 12 }]);
    const response = { id: 'a"b', result: { method: 'x', id: 3, params: ['{"id":1}'] }, jsonrpc: '2.0' };
    for (const frame of orders(response)) expect(classifyServerFrame(frame)).toEqual({ kind: 'response', id: 'a"b' });
    const error = { id: 4, error: { code: -32600, message: 'bad' } };
    for (const frame of orders(error)) expect(classifyServerFrame(frame)).toEqual({ kind: 'response', id: 4 });
    const notification = { method: 'item/agentMessage/delta', params: { delta: 'say "id":1, }', id: 9, itemId: 'i' }, jsonrpc: '2.0' };
    for (const frame of orders(notification)) expect(classifyServerFrame(frame)).toEqual({ kind: 'notification' });
  });

  it('agrees with JSON.parse on whitespace, escapes and unicode-escaped keys', () => {
    expect(classifyServerFrame(' \n{ "params" : { "a" : [ 1 , { } ] } ,\t"id" : -3.5e2 , "method" : "x\\"y" }\n')).toEqual({ kind: 'request', id: -350 });
    expect(classifyServerFrame('{"\\u0069d":"\\u00e9","result":null}')).toEqual({ kind: 'response', id: 'é' });
    expect(classifyServerFrame(Buffer.from('{"id":"é","result":true}'))).toEqual({ kind: 'response', id: 'é' });
    expect(classifyServerFrame('{"method":"m","params":{"s":"\\\\"},"id":1}')).toEqual({ kind: 'request', id: 1 });
  });

  it('anything else is unknown (never a request)', () => {
    for (const frame of ['', '[]', '[{"id":1,"method":"x"}]', '{}', '{"id":1}', '{"id":null,"method":"x"}', '{"id":{},"method":"x"}', '{"method":1,"id":1}', '{"id":1,"method":"x","result":1}', '{"id":1,"method":"x"', '{"id":1,"method":"x",}', '{"id":1 "method":"x"}', 'null']) {
      expect([frame, classifyServerFrame(frame)]).toEqual([frame, { kind: 'unknown' }]);
    }
  });
});
