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
  it('array params (positional fields: the config/mcp_servers attack) are refused', () => {
    const attack = [null, null, null, null, { mcp_servers: { x: { command: 'touch', args: ['/tmp/pwned'] } } }];
    expect(refusedField(request('thread/start', attack))).toBe('params');
    expect(refusedField(request('turn/start', ['t', [text('x')]]))).toBe('params');
    expect(refusedField(request('thread/list', 'cwd'))).toBe('params');
    expect(refusedField(request('thread/read'))).toBe('params'); // required params missing
  });

  it('an unknown field is refused with an error naming it (control: the known fields pass)', () => {
    expect(refusedField(request('thread/start', { ephemeral: true, mcpServers: {} }))).toBe('params.mcpServers');
    expect(refusedField(request('thread/list', { __proto__: null, constructor: 1 } as never))).toBe('params.constructor');
    expect(request('thread/start', { ephemeral: true }).kind).toBe('request');
  });

  it('a nested unknown field is refused with its path', () => {
    expect(refusedField(request('turn/start', { threadId: 't', input: [text('a'), { ...text('b'), path: '/etc/passwd' }] }))).toBe('params.input[1].path');
    expect(refusedField(request('initialize', { clientInfo: { name: 'a', version: '1', homepage: 'x' } }))).toBe('params.clientInfo.homepage');
    expect(refusedField(request('thread/resume', { threadId: 't', initialTurnsPage: { limit: 1, cursor: 'c' } }))).toBe('params.initialTurnsPage.cursor');
  });

  it('values are validated against the schema types', () => {
    expect(refusedField(request('thread/start', { ephemeral: 'yes' }))).toBe('params.ephemeral');
    expect(refusedField(request('thread/list', { limit: -1 }))).toBe('params.limit');
    expect(refusedField(request('turn/start', { threadId: 't', input: 'hi' }))).toBe('params.input');
    expect(refusedField(request('turn/interrupt', { threadId: 't' }))).toBe('params.turnId');
  });

  it.each([
    ['thread/start', {}],
    ['thread/resume', { threadId: 't' }],
    ['thread/fork', { threadId: 't' }],
    ['turn/start', { threadId: 't', input: [text('x')] }],
  ])('operator-owned fields of %s are refused, each by name', (method, base) => {
    const operator = Object.entries(GATEWAY_METHOD_FIELDS[method]!.fields).filter(([, c]) => c === 'operator').map(([f]) => f);
    expect(operator).toEqual(expect.arrayContaining(method === 'turn/start' ? ['cwd', 'sandboxPolicy', 'permissions', 'approvalPolicy', 'approvalsReviewer', 'environments', 'collaborationMode'] : ['config', 'cwd', 'sandbox', 'permissions', 'approvalPolicy', 'approvalsReviewer', 'modelProvider', 'baseInstructions', 'developerInstructions', 'runtimeWorkspaceRoots']));
    const attackValue = (field: string): unknown =>
      ({ config: { mcp_servers: { x: { command: 'touch' } } }, cwd: '/', sandbox: 'danger-full-access', sandboxPolicy: { type: 'dangerFullAccess' }, approvalPolicy: 'on-request', modelProvider: 'ollama' })[field] ?? 'x';
    for (const field of operator) {
      const verdict = request(method, { ...base, [field]: attackValue(field) });
      expect([field, refusedField(verdict)]).toEqual([field, `params.${field}`]);
      expect((verdict as { error: { message: string } }).error.message).toMatch(/chosen by the gateway's operator/);
    }
    expect(request(method, base).kind).toBe('request');
  });

  it('input items naming server paths (localImage, localAudio, skill, mention) and uploaded file ids are refused; text and image URLs pass', () => {
    for (const item of [
      { type: 'localImage', path: '/etc/passwd' },
      { type: 'localAudio', path: '/etc/passwd' },
      { type: 'skill', name: 's', path: '/etc/passwd' },
      { type: 'mention', name: 'm', path: '/etc/passwd' },
      { type: 'audio', url: 'https://x' },
    ]) {
      for (const method of ['turn/start', 'turn/steer']) {
        const verdict = request(method, { threadId: 't', ...(method === 'turn/steer' ? { expectedTurnId: 'u' } : {}), input: [text('look'), item] });
        expect([item.type, method, refusedField(verdict)]).toEqual([item.type, method, 'params.input[1].type']);
      }
    }
    expect(refusedField(request('turn/start', { threadId: 't', input: [{ type: 'image', fileId: 'file-1' }] }))).toBe('params.input[0].fileId');
    expect(request('turn/start', { threadId: 't', input: [{ type: 'image', url: 'https://example.test/a.png', detail: 'low' }] }).kind).toBe('request');
  });

  it('model passes only when it is one of the operator\'s models', () => {
    expect(refusedField(request('thread/start', { model: 'o3-pro' }))).toBe('params.model');
    expect(refusedField(request('turn/start', { threadId: 't', input: [], model: 'o3-pro' }))).toBe('params.model');
    expect(request('thread/start', { model: 'gpt-5.1-mini' })).toEqual({ kind: 'request', id: 7, method: 'thread/start', params: { model: 'gpt-5.1-mini' } });
    const none = admit({ id: 1, method: 'thread/start', params: { model: 'gpt-5.1' } }, {});
    expect((none as { error: { message: string } }).error.message).toMatch(/offers no model choice/);
  });

  it('strings over maxStringBytes and input text over maxInputBytes are refused naming the field', () => {
    const small = { maxStringBytes: 16, maxInputBytes: 40 };
    expect(refusedField(admit({ id: 1, method: 'thread/name/set', params: { threadId: 't', name: 'é'.repeat(9) } }, small))).toBe('params.name'); // 18 bytes
    expect(admit({ id: 1, method: 'thread/name/set', params: { threadId: 't', name: 'é'.repeat(8) } }, small).kind).toBe('request');
    expect(admit({ id: 1, method: 'turn/start', params: { threadId: 't', input: [text('x'.repeat(30))] } }, small).kind).toBe('request');
    expect(refusedField(admit({ id: 1, method: 'turn/start', params: { threadId: 't', input: [text('x'.repeat(30)), text('y'.repeat(11))] } }, small))).toBe('params.input[1].text');
    expect(refusedField(admit({ id: 1, method: 'turn/start', params: { threadId: 't', input: [{ type: 'image', url: 'u'.repeat(17) }] } }, small))).toBe('params.input[0].url');
    expect(refusedField(admit({ id: 1, method: 'turn/start', params: { threadId: 't', input: [], outputSchema: { ['k'.repeat(17)]: 1 } } }, small))).toBe('params.outputSchema');
  });
});
