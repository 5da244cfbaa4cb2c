import { ValidationError } from '../lib/errors';
import { ApprovalMode, Sandbox, threadParams, turnParams, type ThreadOptions, type TurnOptions } from '../lib/options';

/** The ValidationError `fn` throws (fails the test when it throws nothing or something else). */
function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (ValidationError.is(e)) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('options: camelCase presets → wire params', () => {
  describe('Sandbox presets: thread `sandbox` string, turn `sandboxPolicy` object', () => {
    it.each([
      [Sandbox.readOnly, 'read-only', { type: 'readOnly', networkAccess: false }],
      [Sandbox.workspaceWrite, 'workspace-write', { type: 'workspaceWrite', writableRoots: [], networkAccess: false, excludeTmpdirEnvVar: false, excludeSlashTmp: false }],
      [Sandbox.fullAccess, 'danger-full-access', { type: 'dangerFullAccess' }],
    ])('%s', (sandbox, mode, policy) => {
      expect(threadParams({ sandbox })).toEqual({ sandbox: mode });
      expect(turnParams({ sandbox })).toEqual({ sandboxPolicy: policy });
    });

    it('each turn gets its own policy object (callers may change what they got)', () => {
      const a = turnParams({ sandbox: Sandbox.workspaceWrite }).sandboxPolicy as { writableRoots: string[] };
      a.writableRoots.push('/tmp');
      expect(turnParams({ sandbox: Sandbox.workspaceWrite }).sandboxPolicy).toMatchObject({ writableRoots: [] });
    });
  });

  it.each([
    [ApprovalMode.autoReview, { approvalPolicy: 'on-request', approvalsReviewer: 'auto_review' }],
    [ApprovalMode.denyAll, { approvalPolicy: 'never' }],
    [ApprovalMode.ask, { approvalPolicy: 'on-request', approvalsReviewer: 'user' }],
  ])('ApprovalMode.%s → the same approval fields on threads and turns', (approvalMode, wire) => {
    expect(threadParams({ approvalMode })).toEqual(wire);
    expect(turnParams({ approvalMode })).toEqual(wire);
  });

  it('other options pass as they are; undefined ones are dropped; the input is not changed', () => {
    const options: ThreadOptions = { model: 'm', cwd: '/repo', ephemeral: false, config: { 'features.x': true }, personality: undefined, sandbox: Sandbox.readOnly };
    const copy = structuredClone(options);
    expect(threadParams(options)).toEqual({ model: 'm', cwd: '/repo', ephemeral: false, config: { 'features.x': true }, sandbox: 'read-only' });
    expect(options).toEqual(copy);
    const turn: TurnOptions = { effort: 'high', summary: 'concise', outputSchema: { type: 'object' }, serviceTier: undefined };
    expect(turnParams(turn)).toEqual({ effort: 'high', summary: 'concise', outputSchema: { type: 'object' } });
    expect(threadParams(undefined)).toEqual({});
    expect(turnParams(undefined)).toEqual({});
  });

  describe('bad options → ValidationError with the path of each mistake, all at once', () => {
    it('names every wrong option, and the subject', () => {
      const error = validationErrorOf(() => threadParams({ sandox: 'readOnly', model: 5, ephemeral: 'yes', config: [] } as never, 'thread/resume options'));
      expect(error.subject).toBe('thread/resume options');
      expect(error.issues).toEqual([
        { path: 'sandox', message: expect.stringMatching(/^is not a known option \(known: model, modelProvider, cwd, sandbox, /) },
        { path: 'model', message: 'must be a string' },
        { path: 'ephemeral', message: 'must be a boolean' },
        { path: 'config', message: 'must be an object' },
      ]);
      expect(error.message).toContain('thread/resume options: sandox is not a known option');
    });

    it.each<[string, unknown, string, string | RegExp]>([
      ['a wire value instead of a preset', { sandbox: 'workspace-write' }, 'sandbox', 'must be one of Sandbox.readOnly, Sandbox.workspaceWrite, Sandbox.fullAccess'],
      ['a name inherited from Object.prototype', { sandbox: 'toString' }, 'sandbox', /^must be one of Sandbox\./],
      ['an unknown approval mode', { approvalMode: 'yolo' }, 'approvalMode', 'must be one of ApprovalMode.autoReview, ApprovalMode.denyAll, ApprovalMode.ask'],
      ['a thread-only option on a turn', { ephemeral: true }, 'ephemeral', /^is not a known option \(known: model, cwd, effort, /],
      ['an outputSchema that is not an object', { outputSchema: 'json' }, 'outputSchema', 'must be an object'],
      ['an inherited key', JSON.parse('{"__proto__": {"x": 1}}'), '__proto__', /^is not a known option/],
    ])('turn options with %s', (_, options, path, message) => {
      expect(validationErrorOf(() => turnParams(options as never)).issues).toEqual([{ path, message: typeof message === 'string' ? message : expect.stringMatching(message) }]);
    });

    it.each([null, 'fast', 42, ['model']])('options that are not an object (%p)', (options) => {
      const error = validationErrorOf(() => turnParams(options as never));
      expect(error.subject).toBe('turn options');
      expect(error.issues).toEqual([{ path: '', message: 'options must be an object' }]);
    });
  });
});
