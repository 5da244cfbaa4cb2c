/**
 * checkParams: the params of an allowed method, field by field. Only fields the page may set pass
 * (operator-owned ones only as null, which is dropped), `model` only as one of the operator's
 * models, values valid against the strict schema, strings within the size limits; what comes out
 * is a new object of checked values. How admitClientFrame words a refusal: frame-policy.spec.ts.
 * That the field table matches the schema: gateway-fields.spec.ts (the generator).
 */
import { checkParams, type ParamsVerdict } from '../../lib/gateway/field-policy.js';
import { GATEWAY_METHOD_FIELDS } from '../../lib/gateway/params-fields.generated.js';
import { compileGatewayPolicy, type GatewayPolicyOptions } from '../../lib/gateway/policy.js';

const policy = compileGatewayPolicy({ models: ['gpt-5.1', 'gpt-5.1-mini'] });
const check = (method: string, params?: unknown, options?: GatewayPolicyOptions) => checkParams(method, params, options ? compileGatewayPolicy(options) : policy);

/** The field a verdict refused (fails the test when it passed). */
function refusedField(verdict: ParamsVerdict): string {
  if (verdict.ok) throw new Error(`expected a refusal, got ${JSON.stringify(verdict.params)}`);
  return verdict.field;
}

const text = (t: string) => ({ type: 'text', text: t, text_elements: [] });

describe('checkParams: the shape of params', () => {
  it('refuses a method that has no field list, naming it', () => {
    expect(check('fs/writeFile', { path: '/tmp/x' })).toEqual({ ok: false, field: 'params', message: 'fs/writeFile has no field list in the gateway' });
    expect(refusedField(check('__proto__', {}))).toBe('params'); // an inherited name is not in the table
  });

  it('missing params: none to forward where the method takes none or they are optional, else refused', () => {
    expect(check('initialized')).toEqual({ ok: true, params: undefined });
    expect(check('account/rateLimits/read', null)).toEqual({ ok: true, params: undefined });
    expect(GATEWAY_METHOD_FIELDS['model/list']!.optional).toBe(false);
    expect(check('model/list')).toEqual({ ok: false, field: 'params', message: 'are required by model/list' });
  });

  it('a method without params takes none: an empty object passes as none, a field is refused', () => {
    expect(check('initialized', {})).toEqual({ ok: true, params: undefined });
    expect(check('initialized', { extra: null })).toEqual({ ok: false, field: 'params.extra', message: 'is not a field the gateway passes for initialized' });
  });

  it('array params (positional fields: the config/mcp_servers attack) are refused', () => {
    const attack = [null, null, null, null, { mcp_servers: { x: { command: 'touch', args: ['/tmp/pwned'] } } }];
    expect(refusedField(check('thread/start', attack))).toBe('params');
    expect(refusedField(check('turn/start', ['t', [text('x')]]))).toBe('params');
    expect(refusedField(check('thread/list', 'cwd'))).toBe('params');
    expect(refusedField(check('thread/read'))).toBe('params'); // required params missing
    expect(check('thread/start', attack)).toEqual({ ok: false, field: 'params', message: 'must be an object, got an array' });
    expect(check('thread/list', 'cwd')).toEqual({ ok: false, field: 'params', message: 'must be an object, got string' });
  });

  it('returns a new object of the checked values, with operator-owned and model fields given as null dropped', () => {
    const given = { ephemeral: true, cwd: null, model: null, personality: null };
    const verdict = check('thread/start', given);
    expect(verdict).toEqual({ ok: true, params: { ephemeral: true, personality: null } });
    expect((verdict as { params: unknown }).params).not.toBe(given);
  });
});

describe('checkParams: fields', () => {
  it('an unknown field is refused with an error naming it (control: the known fields pass)', () => {
    expect(refusedField(check('thread/start', { ephemeral: true, mcpServers: {} }))).toBe('params.mcpServers');
    expect(refusedField(check('thread/list', { __proto__: null, constructor: 1 } as never))).toBe('params.constructor');
    expect(check('thread/start', { ephemeral: true }).ok).toBe(true);
  });

  it('a nested unknown field is refused with its path', () => {
    expect(refusedField(check('turn/start', { threadId: 't', input: [text('a'), { ...text('b'), path: '/etc/passwd' }] }))).toBe('params.input[1].path');
    expect(refusedField(check('initialize', { clientInfo: { name: 'a', version: '1', homepage: 'x' } }))).toBe('params.clientInfo.homepage');
    expect(refusedField(check('thread/resume', { threadId: 't', initialTurnsPage: { limit: 1, cursor: 'c' } }))).toBe('params.initialTurnsPage.cursor');
  });

  it('values are validated against the schema types', () => {
    expect(refusedField(check('thread/start', { ephemeral: 'yes' }))).toBe('params.ephemeral');
    expect(refusedField(check('thread/list', { limit: -1 }))).toBe('params.limit');
    expect(refusedField(check('turn/start', { threadId: 't', input: 'hi' }))).toBe('params.input');
    expect(refusedField(check('turn/interrupt', { threadId: 't' }))).toBe('params.turnId');
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
      const verdict = check(method, { ...base, [field]: attackValue(field) });
      expect([field, refusedField(verdict)]).toEqual([field, `params.${field}`]);
      expect((verdict as { message: string }).message).toMatch(/chosen by the gateway's operator/);
    }
    expect(check(method, base).ok).toBe(true);
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
        const verdict = check(method, { threadId: 't', ...(method === 'turn/steer' ? { expectedTurnId: 'u' } : {}), input: [text('look'), item] });
        expect([item.type, method, refusedField(verdict)]).toEqual([item.type, method, 'params.input[1].type']);
      }
    }
    expect(refusedField(check('turn/start', { threadId: 't', input: [{ type: 'image', fileId: 'file-1' }] }))).toBe('params.input[0].fileId');
    expect(check('turn/start', { threadId: 't', input: [{ type: 'image', url: 'https://example.test/a.png', detail: 'low' }] }).ok).toBe(true);
  });

  it("model passes only when it is one of the operator's models", () => {
    expect(refusedField(check('thread/start', { model: 'o3-pro' }))).toBe('params.model');
    expect(refusedField(check('turn/start', { threadId: 't', input: [], model: 'o3-pro' }))).toBe('params.model');
    expect(check('thread/start', { model: 'o3-pro' })).toEqual({ ok: false, field: 'params.model', message: 'must be one of the models the gateway offers (gpt-5.1, gpt-5.1-mini)' });
    expect(check('thread/start', { model: 'gpt-5.1-mini' })).toEqual({ ok: true, params: { model: 'gpt-5.1-mini' } });
    const none = check('thread/start', { model: 'gpt-5.1' }, {});
    expect((none as { message: string }).message).toMatch(/offers no model choice/);
  });
});

describe('checkParams: sizes', () => {
  it('strings over maxStringBytes and input text over maxInputBytes are refused naming the field', () => {
    const small = { maxStringBytes: 16, maxInputBytes: 40 };
    expect(refusedField(check('thread/name/set', { threadId: 't', name: 'é'.repeat(9) }, small))).toBe('params.name'); // 18 bytes
    expect(check('thread/name/set', { threadId: 't', name: 'é'.repeat(8) }, small).ok).toBe(true);
    expect(check('turn/start', { threadId: 't', input: [text('x'.repeat(30))] }, small).ok).toBe(true);
    expect(refusedField(check('turn/start', { threadId: 't', input: [text('x'.repeat(30)), text('y'.repeat(11))] }, small))).toBe('params.input[1].text');
    expect(refusedField(check('turn/start', { threadId: 't', input: [{ type: 'image', url: 'u'.repeat(17) }] }, small))).toBe('params.input[0].url');
    expect(refusedField(check('turn/start', { threadId: 't', input: [], outputSchema: { ['k'.repeat(17)]: 1 } }, small))).toBe('params.outputSchema');
  });

  it('words each limit in the refusal', () => {
    const small = { maxStringBytes: 16, maxInputBytes: 40 };
    expect(check('thread/name/set', { threadId: 't', name: 'x'.repeat(17) }, small)).toEqual({ ok: false, field: 'params.name', message: 'is longer than 16 bytes' });
    expect(check('turn/start', { threadId: 't', input: [text('x'.repeat(41))] }, small)).toEqual({ ok: false, field: 'params.input[0].text', message: 'is too long: the input text may have 40 bytes in all' });
  });
});
