/**
 * admitClientFrame against each class of issue 21: what a page sends is parsed, checked field by
 * field, and only the checked object comes out. Judged by the verdict (what the hub forwards),
 * with a control per class that passes when the guard is not hit.
 */
import { CloseCode, MethodNotAllowedError } from '../../lib/gateway/index.js';
import { admitClientFrame, INVALID_PARAMS, type ClientFrameVerdict } from '../../lib/gateway/frame-policy.js';
import { GATEWAY_METHOD_FIELDS } from '../../lib/gateway/params-fields.generated.js';
import { compileGatewayPolicy, DEFAULT_ALLOWED_METHODS, type GatewayPolicyOptions } from '../../lib/gateway/policy.js';
import { ValidationError } from '../../lib/errors.js';
import { threadParams, turnParams } from '../../lib/options.js';

const PRINCIPAL = { id: 'alice' };
const policy = compileGatewayPolicy({ models: ['gpt-5.1', 'gpt-5.1-mini'] });
const admit = (frame: unknown, options?: GatewayPolicyOptions) =>
  admitClientFrame(typeof frame === 'string' ? frame : JSON.stringify(frame), options ? compileGatewayPolicy(options) : policy, PRINCIPAL);
const request = (method: string, params?: unknown, id: string | number = 7) => admit({ id, method, ...(params === undefined ? {} : { params }) });

function refusedField(verdict: ClientFrameVerdict): string | undefined {
  if (verdict.kind !== 'refuse') return undefined;
  expect(verdict.error.code).toBe(INVALID_PARAMS);
  return (verdict.error.data as { field: string }).field;
}

const text = (t: string) => ({ type: 'text', text: t, text_elements: [] });

describe('admitClientFrame: what passes', () => {
  it('passes what the codex-rx client itself sends, re-built from the checked fields', () => {
    const frames = [
      { id: 0, method: 'initialize', params: { clientInfo: { name: 'codex_rx', title: 'codex-rx', version: '0.3.0' }, capabilities: { experimentalApi: true } } },
      { method: 'initialized' },
      { id: 1, method: 'thread/start', params: threadParams({ ephemeral: true, personality: 'friendly', model: 'gpt-5.1' }) },
      { id: 2, method: 'turn/start', params: { threadId: 't1', input: [text('hi'), { type: 'image', url: 'data:image/png;base64,AA' }], ...turnParams({ effort: 'low', summary: 'auto', outputSchema: { type: 'object' } }) } },
      { id: 3, method: 'turn/steer', params: { threadId: 't1', expectedTurnId: 'u1', input: [text('more')] } },
      { id: 4, method: 'turn/interrupt', params: { threadId: 't1', turnId: 'u1' } },
      { id: 5, method: 'thread/resume', params: { threadId: 't1', excludeTurns: true } },
      { id: 6, method: 'thread/list', params: { limit: 20, archived: false, sortKey: 'updated_at' } },
      { id: 7, method: 'model/list', params: {} },
      { id: 8, method: 'account/rateLimits/read' },
      { id: 'nine', method: 'thread/name/set', params: { threadId: 't1', name: 'Plans' } },
    ];
    for (const frame of frames) {
      const verdict = admit(frame);
      expect([frame.method, verdict.kind]).toEqual([frame.method, 'id' in frame ? 'request' : 'notification']);
      expect(JSON.parse(JSON.stringify(verdict))).toEqual({ kind: verdict.kind, ...frame });
    }
  });

  it('drops "jsonrpc" and operator-owned fields set to null (the server default), and never returns the parsed object itself', () => {
    const frame = '{"jsonrpc":"2.0","id":1,"method":"thread/start","params":{"cwd":null,"sandbox":null,"model":null,"ephemeral":true}}';
    expect(admit(frame)).toEqual({ kind: 'request', id: 1, method: 'thread/start', params: { ephemeral: true } });
  });

  it('every default method can be checked field by field', () => {
    for (const method of DEFAULT_ALLOWED_METHODS) expect([method, Object.prototype.hasOwnProperty.call(GATEWAY_METHOD_FIELDS, method)]).toEqual([method, true]);
  });
});

describe('admitClientFrame: frames that are not one JSON-RPC object close the connection', () => {
  const closes = (frame: string, reason: RegExp) => {
    const verdict = admitClientFrame(frame, policy, PRINCIPAL);
    expect(verdict).toEqual({ kind: 'close', code: CloseCode.BAD_REQUEST, reason: expect.stringMatching(reason) });
  };

  it('batch: an array of requests', () => {
    closes('[{"id":1,"method":"thread/start","params":{}}]', /batch/);
    closes('[]', /batch/);
  });

  it('not JSON, not an object, wrong id, extra keys, a method with an answer', () => {
    closes('{"id":1,"method":"thread/start"', /not JSON/);
    closes('"thread/start"', /not a JSON-RPC message/);
    closes('null', /not a JSON-RPC message/);
    closes('{"id":{"a":1},"method":"thread/list"}', /id must be/);
    closes(`{"id":"${'x'.repeat(300)}","method":"thread/list"}`, /id must be/);
    closes('{"id":1,"method":"thread/list","extra":true}', /unexpected key "extra"/);
    closes('{"jsonrpc":"1.0","id":1,"method":"thread/list"}', /jsonrpc/);
    closes('{"id":1,"method":7}', /method must be a string/);
    closes('{"id":1,"method":"thread/list","result":{}}', /a method and an answer/);
    closes('{"result":{}}', /not a JSON-RPC message/);
    closes('{"id":1,"result":{},"error":{"code":1,"message":"x"}}', /not a JSON-RPC message/);
  });

  it('duplicate "method" key smuggling an answer past the answer-once filter (control: JSON.parse alone sees a notification)', () => {
    const smuggled = '{"id":3,"method":"initialized","method":"initialized","result":{"decision":"accept"}}';
    const naive = JSON.parse(smuggled) as Record<string, unknown>;
    expect(naive.method).toBe('initialized'); // what a JSON.parse-based gateway saw: a method, not an answer
    closes(smuggled, /duplicate key "method"/);
  });

  it('unicode-escaped duplicate: "\\u006dethod" is "method"', () => {
    closes('{"id":3,"method":"initialized","\\u006dethod":"initialized","result":{"decision":"accept"}}', /duplicate key "method"/);
    closes('{"id":1,"method":"thread/start","params":{"cwd":null,"\\u0063wd":"/"}}', /duplicate key "cwd"/);
  });

  it('duplicate keys nested anywhere, and nesting deeper than 64 levels', () => {
    closes('{"id":1,"method":"turn/start","params":{"threadId":"t","input":[{"type":"text","text":"a","text":"b"}]}}', /duplicate key "text"/);
    closes(`{"id":1,"method":"turn/start","params":{"outputSchema":${'['.repeat(80)}${']'.repeat(80)}}}`, /nested deeper than 64/);
  });
});

describe('admitClientFrame: methods', () => {
  it('refuses a method not allowed with MethodNotAllowedError.CODE; a notification gets a refusal without id', () => {
    expect(request('fs/writeFile', { path: '/tmp/x', dataBase64: '' })).toEqual({
      kind: 'refuse',
      id: 7,
      error: { code: MethodNotAllowedError.CODE, message: 'fs/writeFile is not allowed by the gateway', data: { method: 'fs/writeFile', reason: 'not in the allowed methods' } },
    });
    expect(admit({ method: 'fs/writeFile', params: {} })).toMatchObject({ kind: 'refuse', error: { code: MethodNotAllowedError.CODE } });
    expect(admit({ method: 'fs/writeFile', params: {} })).not.toHaveProperty('id');
  });

  it('a request method must come with an id, a notification without one', () => {
    expect(admit({ method: 'thread/start', params: {} })).toEqual({ kind: 'refuse', error: { code: -32600, message: 'thread/start is a request: send it with an id', data: { method: 'thread/start' } } });
    expect(admit({ id: 4, method: 'initialized' })).toEqual({ kind: 'refuse', id: 4, error: { code: -32600, message: 'initialized is a notification: send it without an id', data: { method: 'initialized' } } });
  });

  it('a refused method name is log-safe in the message: control characters escaped, cut short', () => {
    const verdict = request('x\n[gateway] connection 2: accepted' + 'y'.repeat(200));
    expect(verdict.kind).toBe('refuse');
    const message = (verdict as { error: { message: string } }).error.message;
    expect(message).not.toContain('\n');
    expect(message).toContain('x\\n[gateway]');
    expect(message.length).toBeLessThan(200);
  });

  it('a function policy sees the principal, and still passes only methods the gateway can check', () => {
    const seen: unknown[] = [];
    const fn = compileGatewayPolicy({ allowedMethods: (call) => (seen.push(call.auth), true) });
    expect(admitClientFrame('{"id":1,"method":"thread/list","params":{}}', fn, PRINCIPAL).kind).toBe('request');
    expect(admitClientFrame('{"id":1,"method":"command/exec","params":{"command":["id"]}}', fn, PRINCIPAL)).toMatchObject({ kind: 'refuse', error: { code: MethodNotAllowedError.CODE } });
    expect(seen).toEqual([PRINCIPAL]);
  });

  it('compileGatewayPolicy refuses a list naming a method it cannot check, unknown decisions and bad limits', () => {
    expect(() => compileGatewayPolicy({ allowedMethods: ['thread/list', 'fs/readFile'] })).toThrow(ValidationError);
    expect(() => compileGatewayPolicy({ allowedMethods: ['thread/list', 'fs/readFile'] })).toThrow(/fs\/readFile/);
    expect(() => compileGatewayPolicy({ allowedDecisions: ['accept', 'yes'] })).toThrow(/"yes" is not a decision/);
    expect(() => compileGatewayPolicy({ maxStringBytes: 0 })).toThrow(/maxStringBytes/);
    expect(() => compileGatewayPolicy({ models: 'gpt' as never })).toThrow(/models/);
  });
});

describe('admitClientFrame: params', () => {
  // The field-by-field check itself: spec/gateway/field-policy.spec.ts (checkParams).
  it('a params refusal of the field check is -32602 naming the field; the request carries only the checked params', () => {
    const verdict = request('thread/start', { ephemeral: true, mcpServers: {} });
    expect(refusedField(verdict)).toBe('params.mcpServers');
    expect(verdict).toEqual({ kind: 'refuse', id: 7, error: { code: INVALID_PARAMS, message: 'Invalid params for thread/start: params.mcpServers is not a field the gateway passes for thread/start', data: { method: 'thread/start', field: 'params.mcpServers', reason: 'is not a field the gateway passes for thread/start' } } });
    expect(request('thread/start', { ephemeral: true, cwd: null })).toEqual({ kind: 'request', id: 7, method: 'thread/start', params: { ephemeral: true } });
    expect(request('account/rateLimits/read')).toEqual({ kind: 'request', id: 7, method: 'account/rateLimits/read' });
  });
});
