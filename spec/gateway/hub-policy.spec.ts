/**
 * createHubPolicy: the gateway's options compiled once into the checks a PrincipalHub runs, in the
 * shapes it routes by. The checks themselves have their own specs (frame-policy, answer-policy,
 * escalation, server-frame); this one shows what the hub gets from them and what the options change.
 */
import { MethodNotAllowedError, ValidationError } from '../../lib/errors.js';
import { createHubPolicy } from '../../lib/gateway/hub-policy.js';
import { thrown } from '../support/thrown.js';

const PRINCIPAL = { id: 'u1' };
const COMMAND = { id: 4, method: 'item/commandExecution/requestApproval', params: { threadId: 't', turnId: 'u', itemId: 'i', command: 'ls' } };
const USER_INPUT = { id: 'q', method: 'item/tool/requestUserInput', params: { threadId: 't', turnId: 'u', itemId: 'i', questions: [] } };

describe('createHubPolicy', () => {
  it('refuses bad options with a ValidationError before anything starts', () => {
    const e = thrown(() => createHubPolicy({ allowedMethods: ['fs/writeFile'] }));
    expect(ValidationError.is(e)).toBe(true);
    expect(ValidationError.is(thrown(() => createHubPolicy({ maxStringBytes: 0 })))).toBe(true);
  });

  it('admits client frames by the allowed methods, passing the principal to a policy function', () => {
    const seen: unknown[] = [];
    const policy = createHubPolicy({ allowedMethods: ({ method, auth }) => (seen.push(auth), method === 'model/list') });
    expect(policy.admitClientFrame('{"id":1,"method":"model/list","params":{"limit":2}}', PRINCIPAL)).toEqual({ kind: 'request', id: 1, method: 'model/list', params: { limit: 2 } });
    expect(policy.admitClientFrame('{"id":2,"method":"thread/start","params":{}}', PRINCIPAL)).toMatchObject({ kind: 'refuse', id: 2, error: { code: MethodNotAllowedError.CODE } });
    expect(seen).toEqual([PRINCIPAL, PRINCIPAL]);
    expect(policy.admitClientFrame('[1]', PRINCIPAL)).toMatchObject({ kind: 'close' });
  });

  it('admits an answer against the request it answers, within allowedDecisions', () => {
    const policy = createHubPolicy({ allowEscalation: true, allowedDecisions: ['decline'] });
    expect(policy.admitAnswer({ result: { decision: 'decline' } }, COMMAND)).toEqual({ result: { decision: 'decline' } });
    expect(policy.admitAnswer({ result: { decision: 'accept' } }, COMMAND)).toHaveProperty('refuse');
  });

  describe('classifyServerFrame', () => {
    const policy = createHubPolicy({});

    it('tells notifications and unknown frames without parsing them', () => {
      expect(policy.classifyServerFrame('{"method":"turn/started","params":{}}')).toEqual({ kind: 'notification' });
      expect(policy.classifyServerFrame('not json')).toEqual({ kind: 'unknown' });
    });

    it('gives a response its id, where the id text sits, and its body on demand (string or bytes)', () => {
      const text = '{"result":{"id":"inner"},"id":17}';
      for (const data of [text, Buffer.from(text)]) {
        const frame = policy.classifyServerFrame(data);
        if (frame.kind !== 'response') throw new Error(`a response, not ${frame.kind}`);
        expect(frame.id).toBe(17);
        expect(text.slice(...frame.idAt)).toBe('17');
        expect(frame.parse()).toEqual({ result: { id: 'inner' }, id: 17 });
      }
    });

    it('gives a server request as { id, method, params }, whatever the key order', () => {
      expect(policy.classifyServerFrame('{"params":{"a":1},"id":"s-1","method":"item/tool/call"}')).toEqual({ kind: 'request', request: { id: 's-1', method: 'item/tool/call', params: { a: 1 } } });
    });
  });

  describe('answeredByGateway and safeAnswerFor', () => {
    it('keeps an escalation from the page unless allowEscalation, and answers it with a decline', () => {
      expect(createHubPolicy({}).answeredByGateway(COMMAND)).toBe('asks to run a command outside the sandbox');
      expect(createHubPolicy({ allowEscalation: true }).answeredByGateway(COMMAND)).toBeUndefined();
      expect(createHubPolicy({}).safeAnswerFor(COMMAND)).toEqual({ result: { decision: 'decline' } });
    });

    it('leaves a request that grants nothing to the page', () => {
      expect(createHubPolicy({}).answeredByGateway(USER_INPUT)).toBeUndefined();
    });

    it('answers itself, even with allowEscalation, a request no page may answer (token refresh, unknown methods)', () => {
      const policy = createHubPolicy({ allowEscalation: true });
      for (const method of ['account/chatgptAuthTokens/refresh', 'x/unknown']) {
        const request = { id: 1, method, params: {} };
        expect(policy.answeredByGateway(request)).toBe('a page may not answer it');
        expect(policy.safeAnswerFor(request)).toHaveProperty('error.code', -32601);
      }
      // An inherited name is not an own entry of the table.
      expect(policy.answeredByGateway({ id: 1, method: 'constructor', params: {} })).toBe('a page may not answer it');
    });
  });
});
