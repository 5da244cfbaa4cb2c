import { PROTOCOL_VERSION } from '../../lib/protocol/tables.generated.js';
import { CLIENT_PARAMS_DEFINITIONS } from '../../lib/protocol/validation-tables.generated.js';
import { validateParams } from '../../lib/validation/params-validator.js';

type Case = readonly [label: string, method: string, params: unknown, issues: ReadonlyArray<{ path: string; message: string | RegExp }>];

const INPUT_TYPES = 'text, image, localImage, audio, localAudio, skill, mention';
const text = (t = 'hi') => ({ type: 'text', text: t });

function expectIssues(method: string, params: unknown, expected: Case[3]): void {
  const issues = validateParams(method, params);
  expect(issues).toBeDefined();
  expect(issues).toHaveLength(expected.length);
  expected.forEach((e, i) => {
    expect(issues![i]!.path).toBe(e.path);
    if (typeof e.message === 'string') expect(issues![i]!.message).toBe(e.message);
    else expect(issues![i]!.message).toMatch(e.message);
  });
}

describe('validateParams', () => {
  describe('accepts what the protocol allows', () => {
    it.each<[string, string, unknown]>([
      ['turn/start, minimal', 'turn/start', { threadId: 't', input: [text()] }],
      ['turn/start, every input kind', 'turn/start', {
        threadId: 't',
        input: [text(), { type: 'image', url: 'https://x/y.png' }, { type: 'image', fileId: 'f' }, { type: 'localImage', path: '/a.png' }, { type: 'skill', name: 's', path: '/s' }, { type: 'mention', name: 'm', path: '/m' }],
      }],
      ['turn/start, options', 'turn/start', {
        threadId: 't', input: [text()], cwd: '/w', effort: 'high', personality: 'none', approvalPolicy: 'never', approvalsReviewer: 'user',
        sandboxPolicy: { type: 'workspaceWrite', writableRoots: [], networkAccess: false, excludeTmpdirEnvVar: false, excludeSlashTmp: false },
        outputSchema: { type: 'object' },
      }],
      ['turn/start, granular approvals', 'turn/start', { threadId: 't', input: [], approvalPolicy: { granular: { mcp_elicitations: true, rules: false, sandbox_approval: true } } }],
      ['thread/start, empty', 'thread/start', {}],
      ['thread/start, nulls where nullable', 'thread/start', { sandbox: null, model: null, cwd: null, approvalPolicy: null }],
      ['thread/start, options', 'thread/start', { sandbox: 'workspace-write', model: 'gpt', ephemeral: true, config: { a: { b: 1 } } }],
      ['thread/resume', 'thread/resume', { threadId: 't' }],
      ['turn/steer', 'turn/steer', { threadId: 't', expectedTurnId: 'u', input: [text()] }],
      ['turn/interrupt', 'turn/interrupt', { threadId: 't', turnId: 'u' }],
      ['model/list, limits at the edges', 'model/list', { limit: 0 }],
      ['model/list, uint32 max', 'model/list', { limit: 4294967295 }],
      ['model/list, null limit', 'model/list', { limit: null }],
      ['account/login/start apiKey', 'account/login/start', { type: 'apiKey', apiKey: 'sk-x' }],
      ['account/login/start chatgpt', 'account/login/start', { type: 'chatgpt' }],
      ['account/login/start device code', 'account/login/start', { type: 'chatgptDeviceCode' }],
      ['config/value/write, any value', 'config/value/write', { keyPath: 'model', value: { nested: [1, 'x', null] }, mergeStrategy: 'upsert' }],
      ['config/batchWrite', 'config/batchWrite', { edits: [{ keyPath: 'a', value: 1, mergeStrategy: 'replace' }] }],
      ['review/start', 'review/start', { threadId: 't', target: { type: 'baseBranch', branch: 'main' } }],
      ['initialize', 'initialize', { clientInfo: { name: 'n', title: null, version: '1' }, capabilities: { experimentalApi: true } }],
      ['a method without params, omitted', 'account/logout', undefined],
      ['a method without params, null', 'memory/reset', null],
      ['optional params, omitted', 'account/rateLimits/read', undefined],
      ['optional params, given', 'account/rateLimits/read', { supportsLunaReserve: true }],
      ['optional params, null', 'remoteControl/enable', null],
    ])('%s', (_label, method, params) => {
      expect(validateParams(method, params)).toBeUndefined();
    });
  });

  describe('rejects, with the path and a readable message', () => {
    const cases: Case[] = [
      // thread/start, thread/resume, thread/fork
      ['thread/start: sandbox is a wire string', 'thread/start', { sandbox: 'workspaceWrite' }, [{ path: 'sandbox', message: 'must be one of read-only, workspace-write, danger-full-access' }]],
      ['thread/start: sandbox misspelt', 'thread/start', { sandbox: 'workspace' }, [{ path: 'sandbox', message: 'must be one of read-only, workspace-write, danger-full-access' }]],
      ['thread/start: sandbox a number', 'thread/start', { sandbox: 3 }, [{ path: 'sandbox', message: 'must be one of read-only, workspace-write, danger-full-access or null' }]],
      ['thread/start: model not a string', 'thread/start', { model: 42 }, [{ path: 'model', message: 'must be a string or null' }]],
      ['thread/start: ephemeral not a boolean', 'thread/start', { ephemeral: 'yes' }, [{ path: 'ephemeral', message: 'must be a boolean or null' }]],
      ['thread/start: config not an object', 'thread/start', { config: [] }, [{ path: 'config', message: 'must be an object or null' }]],
      ['thread/start: approvalPolicy unknown', 'thread/start', { approvalPolicy: 'always' }, [{ path: 'approvalPolicy', message: 'must be one of untrusted, on-request, never' }]],
      ['thread/start: approvalPolicy wrong kind', 'thread/start', { approvalPolicy: 1 }, [{ path: 'approvalPolicy', message: 'must be one of untrusted, on-request, never or an object or null' }]],
      ['thread/start: params not an object', 'thread/start', 'hello', [{ path: '', message: 'must be an object' }]],
      ['thread/start: params missing', 'thread/start', undefined, [{ path: '', message: 'must be an object' }]],
      ['thread/resume: threadId missing', 'thread/resume', {}, [{ path: 'threadId', message: 'is required' }]],
      ['thread/resume: threadId a number', 'thread/resume', { threadId: 7 }, [{ path: 'threadId', message: 'must be a string' }]],
      ['thread/name/set: both missing', 'thread/name/set', {}, [{ path: 'name', message: 'is required' }, { path: 'threadId', message: 'is required' }]],

      // turn/start, turn/steer, turn/interrupt
      ['turn/start: input item type unknown', 'turn/start', { threadId: 't', input: [{ type: 'txt', text: 'x' }] }, [{ path: 'input[0].type', message: `must be one of ${INPUT_TYPES}` }]],
      ['turn/start: input item type missing', 'turn/start', { threadId: 't', input: [{ text: 'x' }] }, [{ path: 'input[0].type', message: `is required (one of ${INPUT_TYPES})` }]],
      ['turn/start: second input item bad', 'turn/start', { threadId: 't', input: [text(), { type: 'Text', text: 'x' }] }, [{ path: 'input[1].type', message: `must be one of ${INPUT_TYPES}` }]],
      ['turn/start: text missing', 'turn/start', { threadId: 't', input: [{ type: 'text' }] }, [{ path: 'input[0].text', message: 'is required' }]],
      ['turn/start: text not a string', 'turn/start', { threadId: 't', input: [{ type: 'text', text: 5 }] }, [{ path: 'input[0].text', message: 'must be a string' }]],
      ['turn/start: image without url or fileId', 'turn/start', { threadId: 't', input: [{ type: 'image' }] }, [{ path: 'input[0]', message: 'must have url or fileId' }]],
      ['turn/start: localImage without path', 'turn/start', { threadId: 't', input: [{ type: 'localImage' }] }, [{ path: 'input[0].path', message: 'is required' }]],
      ['turn/start: skill without name', 'turn/start', { threadId: 't', input: [{ type: 'skill', path: '/s' }] }, [{ path: 'input[0].name', message: 'is required' }]],
      ['turn/start: input item not an object', 'turn/start', { threadId: 't', input: ['hello'] }, [{ path: 'input[0]', message: 'must be an object' }]],
      ['turn/start: input a string', 'turn/start', { threadId: 't', input: 'hello' }, [{ path: 'input', message: 'must be an array' }]],
      ['turn/start: threadId a number', 'turn/start', { threadId: 1, input: [text()] }, [{ path: 'threadId', message: 'must be a string' }]],
      ['turn/start: threadId missing', 'turn/start', { input: [text()] }, [{ path: 'threadId', message: 'is required' }]],
      ['turn/start: input missing', 'turn/start', { threadId: 't' }, [{ path: 'input', message: 'is required' }]],
      ['turn/start: effort empty', 'turn/start', { threadId: 't', input: [], effort: '' }, [{ path: 'effort', message: 'must not be empty' }]],
      ['turn/start: personality unknown', 'turn/start', { threadId: 't', input: [], personality: 'grumpy' }, [{ path: 'personality', message: 'must be one of none, friendly, pragmatic' }]],
      ['turn/start: sandboxPolicy tag unknown', 'turn/start', { threadId: 't', input: [], sandboxPolicy: { type: 'sandboxed' } }, [{ path: 'sandboxPolicy.type', message: 'must be one of dangerFullAccess, readOnly, externalSandbox, workspaceWrite' }]],
      ['turn/start: sandboxPolicy field wrong', 'turn/start', { threadId: 't', input: [], sandboxPolicy: { type: 'readOnly', networkAccess: 'no' } }, [{ path: 'sandboxPolicy.networkAccess', message: 'must be a boolean' }]],
      ['turn/start: sandboxPolicy given the thread-level string', 'turn/start', { threadId: 't', input: [], sandboxPolicy: 'read-only' }, [{ path: 'sandboxPolicy', message: 'must be an object or null' }]],
      ['turn/start: writableRoots not an array', 'turn/start', { threadId: 't', input: [], sandboxPolicy: { type: 'workspaceWrite', writableRoots: '/tmp' } }, [{ path: 'sandboxPolicy.writableRoots', message: 'must be an array' }]],
      ['turn/start: granular approvals incomplete', 'turn/start', { threadId: 't', input: [], approvalPolicy: { granular: { rules: true } } }, [
        { path: 'approvalPolicy.granular.mcp_elicitations', message: 'is required' },
        { path: 'approvalPolicy.granular.sandbox_approval', message: 'is required' },
      ]],
      ['turn/start: granular approvals with an extra key', 'turn/start', { threadId: 't', input: [], approvalPolicy: { granular: { mcp_elicitations: true, rules: true, sandbox_approval: true }, extra: 1 } }, [{ path: 'approvalPolicy.extra', message: 'is not allowed' }]],
      ['turn/start: several problems at once', 'turn/start', { threadId: 2, input: [{ type: 'text' }], personality: 'x' }, [
        { path: 'threadId', message: 'must be a string' },
        { path: 'input[0].text', message: 'is required' },
        { path: 'personality', message: 'must be one of none, friendly, pragmatic' },
      ]],
      ['turn/steer: expectedTurnId missing', 'turn/steer', { threadId: 't', input: [text()] }, [{ path: 'expectedTurnId', message: 'is required' }]],
      ['turn/steer: bad input item', 'turn/steer', { threadId: 't', expectedTurnId: 'u', input: [{ type: 'video' }] }, [{ path: 'input[0].type', message: `must be one of ${INPUT_TYPES}` }]],
      ['turn/interrupt: turnId a number', 'turn/interrupt', { threadId: 't', turnId: 3 }, [{ path: 'turnId', message: 'must be a string' }]],

      // account
      ['account/login/start: unknown type', 'account/login/start', { type: 'password' }, [{ path: 'type', message: /^must be one of apiKey, chatgpt, chatgptDeviceCode, / }]],
      ['account/login/start: type missing', 'account/login/start', { apiKey: 'sk' }, [{ path: 'type', message: /^is required \(one of apiKey, chatgpt, / }]],
      ['account/login/start: apiKey missing', 'account/login/start', { type: 'apiKey' }, [{ path: 'apiKey', message: 'is required' }]],
      ['account/login/start: apiKey not a string', 'account/login/start', { type: 'apiKey', apiKey: 123 }, [{ path: 'apiKey', message: 'must be a string' }]],
      ['account/login/start: not an object', 'account/login/start', 'apiKey', [{ path: '', message: 'must be an object' }]],
      ['account/login/cancel: loginId missing', 'account/login/cancel', {}, [{ path: 'loginId', message: 'is required' }]],
      ['account/read: refreshToken not a boolean', 'account/read', { refreshToken: 'yes' }, [{ path: 'refreshToken', message: 'must be a boolean' }]],

      // config
      ['config/value/write: mergeStrategy missing', 'config/value/write', { keyPath: 'a', value: 1 }, [{ path: 'mergeStrategy', message: 'is required' }]],
      ['config/value/write: mergeStrategy unknown', 'config/value/write', { keyPath: 'a', value: 1, mergeStrategy: 'merge' }, [{ path: 'mergeStrategy', message: 'must be one of replace, upsert' }]],
      ['config/value/write: value missing', 'config/value/write', { keyPath: 'a', mergeStrategy: 'upsert' }, [{ path: 'value', message: 'is required' }]],
      ['config/value/write: keyPath not a string', 'config/value/write', { keyPath: ['a'], value: 1, mergeStrategy: 'upsert' }, [{ path: 'keyPath', message: 'must be a string' }]],
      ['config/batchWrite: a bad edit', 'config/batchWrite', { edits: [{ keyPath: 'a', value: 1, mergeStrategy: 'replace' }, { keyPath: 'b', value: 2, mergeStrategy: 'add' }] }, [{ path: 'edits[1].mergeStrategy', message: 'must be one of replace, upsert' }]],

      // integer formats
      ['model/list: negative limit (uint32)', 'model/list', { limit: -1 }, [{ path: 'limit', message: 'must be >= 0' }]],
      ['model/list: limit beyond uint32', 'model/list', { limit: 2 ** 32 }, [{ path: 'limit', message: 'must be an integer from 0 to 4294967295 (uint32)' }]],
      ['model/list: fractional limit', 'model/list', { limit: 2.5 }, [{ path: 'limit', message: 'must be an integer or null' }]],
      ['model/list: NaN limit', 'model/list', { limit: Number.NaN }, [{ path: 'limit', message: 'must be an integer or null' }]],
      ['model/list: string limit', 'model/list', { limit: '10' }, [{ path: 'limit', message: 'must be an integer or null' }]],
      ['thread/list: negative limit', 'thread/list', { limit: -5 }, [{ path: 'limit', message: 'must be >= 0' }]],

      // other families
      ['review/start: target tag unknown', 'review/start', { threadId: 't', target: { type: 'everything' } }, [{ path: 'target.type', message: /^must be one of uncommittedChanges, baseBranch, commit/ }]],
      ['review/start: baseBranch without branch', 'review/start', { threadId: 't', target: { type: 'baseBranch' } }, [{ path: 'target.branch', message: 'is required' }]],
      ['fuzzyFileSearch: roots of numbers', 'fuzzyFileSearch', { query: 'q', roots: ['/a', 2] }, [{ path: 'roots[1]', message: 'must be a string' }]],
      ['command/exec: command a string', 'command/exec', { command: 'ls -la' }, [{ path: 'command', message: 'must be an array' }]],
      ['initialize: clientInfo.version missing', 'initialize', { clientInfo: { name: 'n' } }, [{ path: 'clientInfo.version', message: 'is required' }]],

      // methods without params, unknown methods
      ['account/logout: params given', 'account/logout', { all: true }, [{ path: '', message: 'must be omitted: account/logout takes no params' }]],
      ['memory/reset: params given', 'memory/reset', {}, [{ path: '', message: 'must be omitted: memory/reset takes no params' }]],
      ['optional params, wrong field', 'account/rateLimits/read', { supportsLunaReserve: 'yes' }, [{ path: 'supportsLunaReserve', message: 'must be a boolean' }]],
      ['optional params, not an object', 'remoteControl/enable', 'on', [{ path: '', message: 'must be an object' }]],
      ['unknown method', 'thread/teleport', {}, [{ path: '', message: `"thread/teleport" is not part of the app-server protocol (codex ${PROTOCOL_VERSION})` }]],
      ['prototype key as method', 'constructor', {}, [{ path: '', message: `"constructor" is not part of the app-server protocol (codex ${PROTOCOL_VERSION})` }]],
    ];

    it.each(cases)('%s', (_label, method, params, expected) => expectIssues(method, params, expected));
  });

  it('names keys that are not identifiers with brackets', () => {
    const issues = validateParams('thread/start', { config: {}, dynamicTools: [{ 'bad key': 1 }] });
    expect(issues?.[0]?.path).toMatch(/^dynamicTools\[0\]/);
  });

  it('ignores undefined properties, as JSON would drop them', () => {
    expect(validateParams('turn/start', { threadId: 't', input: [text()], cwd: undefined })).toBeUndefined();
    expect(validateParams('turn/start', { threadId: undefined, input: [text()] })).toEqual([{ path: 'threadId', message: 'is required' }]);
  });

  it('never throws on hostile values', () => {
    const cyclic: Record<string, unknown> = { threadId: 't', input: [text()] };
    cyclic.config = cyclic;
    const deep: Record<string, unknown> = {};
    let cur = deep;
    for (let i = 0; i < 5000; i++) cur = (cur.a = {}) as Record<string, unknown>;
    for (const params of [cyclic, { config: deep }, { threadId: 't', input: [text()], outputSchema: cyclic }, () => 1, Symbol('s'), 10n, new Date(), Object.create(null)]) {
      expect(() => validateParams('turn/start', params)).not.toThrow();
      expect(() => validateParams('thread/start', params)).not.toThrow();
    }
  });

  it('knows every method of the generated table and validates each', () => {
    for (const [method, definition] of Object.entries(CLIENT_PARAMS_DEFINITIONS)) {
      const issues = validateParams(method, definition === null ? undefined : 42);
      if (definition === null) expect(issues).toBeUndefined();
      else expect(issues).toEqual([{ path: '', message: expect.stringMatching(/^must be an object/) }]);
    }
  });
});
