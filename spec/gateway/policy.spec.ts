import { CLIENT_PARAMS_DEFINITIONS } from '../../lib/protocol/validation-tables.generated.js';
import { DEFAULT_ALLOWED_METHODS, RESTRICTED_PARAMS, restrictedParam } from '../../lib/gateway/policy.js';
import { compilePolicy } from '../../lib/gateway/policy.js';

describe('gateway method policy', () => {
  const check = compilePolicy();

  it('lets the default methods through with plain params', () => {
    for (const method of DEFAULT_ALLOWED_METHODS) expect([method, check(method, {}, true)]).toEqual([method, undefined]);
  });

  it('names only methods the pinned protocol knows (plus the initialized notification)', () => {
    const known = new Set([...Object.keys(CLIENT_PARAMS_DEFINITIONS), 'initialized']);
    expect(DEFAULT_ALLOWED_METHODS.filter((m) => !known.has(m))).toEqual([]);
  });

  it('refuses every other client method of the protocol, and unknown ones', () => {
    const others = Object.keys(CLIENT_PARAMS_DEFINITIONS).filter((m) => !DEFAULT_ALLOWED_METHODS.includes(m));
    expect(others.length).toBeGreaterThan(150);
    for (const method of [...others, 'fs/whatever', '', 'Initialize']) expect([method, check(method, {}, true)]).toEqual([method, 'not in the allowed methods']);
    for (const method of ['fs/writeFile', 'fs/readFile', 'command/exec', 'process/spawn', 'config/value/write', 'config/batchWrite', 'account/login/start', 'plugin/install', 'marketplace/add', 'remoteControl/enable', 'thread/shellCommand']) {
      expect(others).toContain(method);
    }
  });

  it('refuses params that widen what the app-server may touch', () => {
    for (const [method, keys] of Object.entries(RESTRICTED_PARAMS)) {
      for (const key of keys) expect(check(method, { threadId: 't', [key]: key === 'sandbox' ? 'danger-full-access' : { x: 1 } }, true)).toBe(`param "${key}" is chosen by the server, not the client`);
    }
    expect(check('thread/start', { sandbox: 'workspace-write' }, true)).toMatch(/sandbox/);
    expect(check('turn/start', { threadId: 't', input: [], sandboxPolicy: { type: 'dangerFullAccess' } }, true)).toMatch(/sandboxPolicy/);
    expect(check('thread/start', { config: { model_provider: 'evil' } }, true)).toMatch(/config/);
  });

  it('allows the harmless params a UI sets, and null for restricted ones', () => {
    expect(check('thread/start', { model: 'gpt-5', approvalPolicy: 'on-request', ephemeral: true, cwd: null }, true)).toBeUndefined();
    expect(check('turn/start', { threadId: 't', input: [{ type: 'text', text: 'hi', text_elements: [] }, { type: 'image', url: 'data:image/png;base64,AA' }], effort: 'low' }, true)).toBeUndefined();
  });

  it('refuses input items that name a path on the server', () => {
    for (const type of ['localImage', 'localAudio', 'skill', 'mention']) {
      for (const method of ['turn/start', 'turn/steer']) {
        expect(restrictedParam(method, { threadId: 't', input: [{ type: 'text', text: 'x' }, { type, path: '/etc/passwd', name: 'x' }] })).toBe(`input items of type "${type}" name a path on the server`);
      }
    }
  });

  it('takes a list or a function; restrictParams: false turns the param check off', () => {
    const list = compilePolicy(['model/list']);
    expect(list('model/list', {}, true)).toBeUndefined();
    expect(list('thread/start', {}, true)).toBe('not in the allowed methods');
    const seen: unknown[] = [];
    const fn = compilePolicy((call) => {
      seen.push(call);
      return call.method.startsWith('thread/');
    });
    expect(fn('thread/start', { cwd: '/x' }, { user: 'u' })).toMatch(/cwd/);
    expect(fn('fs/readFile', {}, { user: 'u' })).toBe('not in the allowed methods');
    expect(seen).toEqual([
      { method: 'thread/start', params: { cwd: '/x' }, auth: { user: 'u' } },
      { method: 'fs/readFile', params: {}, auth: { user: 'u' } },
    ]);
    expect(compilePolicy(undefined, false)('thread/start', { cwd: '/x' }, true)).toBeUndefined();
  });
});
