// validateInbound: what the server sent, checked against the pinned binary's schemas. That every
// payload the testing kit builds conforms is spec/testing/payload-schema.spec.ts; the connection's
// use of it (schema-drift warnings) is spec/rpc/connection.spec.ts.
import { PROTOCOL_VERSION } from '../../lib/protocol/tables.generated.js';
import { agentMessageDelta, commandApprovalRequest, turnStarted } from '../../lib/testing/index.js';
import type { InboundKind } from '../../lib/validation/inbound-validator.js';
import { validateInbound } from '../../lib/validation/inbound-validator.js';

describe('validateInbound', () => {
  it('answers undefined for a conforming notification or server request', () => {
    const n = turnStarted();
    expect(validateInbound('notification', n.method, n.params)).toBeUndefined();
    const r = commandApprovalRequest(7, 'cmd-1', 'ls');
    expect(validateInbound('request', r.method, r.params)).toBeUndefined();
  });

  it('names each field that drifted, with its path', () => {
    const { method, params } = agentMessageDelta('msg-1', 'Hel');
    expect(validateInbound('notification', method, { ...params, delta: 42, itemId: undefined })).toEqual([
      { path: 'itemId', message: 'is required' },
      { path: 'delta', message: 'must be a string' },
    ]);
    expect(validateInbound('notification', method, undefined)).toEqual([{ path: '', message: expect.stringMatching(/^must be an object/) }]);
  });

  it('a method the protocol does not have, or of the other kind, is an issue naming the kind and the pin', () => {
    const r = commandApprovalRequest(7, 'cmd-1', 'ls');
    expect(validateInbound('notification', r.method, r.params)).toEqual([
      { path: '', message: `"item/commandExecution/requestApproval" is not a notification of the app-server protocol (codex ${PROTOCOL_VERSION})` },
    ]);
    expect(validateInbound('request', 'turn/started', turnStarted().params)).toEqual([
      { path: '', message: `"turn/started" is not a request of the app-server protocol (codex ${PROTOCOL_VERSION})` },
    ]);
    expect(validateInbound('notification', '__proto__', {})).toEqual([{ path: '', message: expect.stringContaining('is not a notification') }]);
  });

  it('never throws: a value that cannot be read is an issue', () => {
    const params = Object.defineProperty({ ...turnStarted().params }, 'turn', { enumerable: true, get: () => { throw new Error('boom'); } });
    let issues: ReturnType<typeof validateInbound>;
    expect(() => (issues = validateInbound('notification', 'turn/started', params))).not.toThrow();
    expect(issues).toEqual([{ path: '', message: 'could not be validated: boom' }]);
  });

  describe('methods without params, or with optional ones (none in 0.171.0: a schema of that shape)', () => {
    const params = { type: 'object', properties: { x: { type: 'integer' } }, required: ['x'] };
    const variant = (method: string, p?: object) => ({ type: 'object', properties: { method: { type: 'string', enum: [method] }, ...(p ? { params: p } : {}) } });
    const schema = JSON.stringify({
      definitions: { P: params },
      oneOf: [variant('bare'), variant('maybe', { anyOf: [{ $ref: '#/definitions/P' }, { type: 'null' }] })],
    });
    let validate: (kind: InboundKind, method: string, params: unknown) => unknown;

    beforeAll(() => {
      jest.isolateModules(() => {
        jest.doMock('../../lib/protocol/schema-text.generated.js', () => ({ SERVER_NOTIFICATION_SCHEMA: schema, SERVER_REQUEST_SCHEMA: schema }));
        validate = (require('../../lib/validation/inbound-validator.js') as typeof import('../../lib/validation/inbound-validator.js')).validateInbound;
      });
    });

    afterAll(() => jest.dontMock('../../lib/protocol/schema-text.generated.js'));

    it('a method without params: none or null passes, anything else is an issue', () => {
      expect(validate('notification', 'bare', undefined)).toBeUndefined();
      expect(validate('notification', 'bare', null)).toBeUndefined();
      expect(validate('request', 'bare', { x: 1 })).toEqual([{ path: '', message: 'bare carries no params' }]);
    });

    it('optional params: none or null passes, given ones are checked', () => {
      expect(validate('notification', 'maybe', undefined)).toBeUndefined();
      expect(validate('notification', 'maybe', null)).toBeUndefined();
      expect(validate('notification', 'maybe', { x: 1 })).toBeUndefined();
      expect(validate('notification', 'maybe', { x: 'one' })).toEqual([{ path: 'x', message: 'must be an integer' }]);
    });
  });
});
