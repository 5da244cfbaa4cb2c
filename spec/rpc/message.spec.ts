import { classify } from '../../lib/rpc/message.js';

describe('classify', () => {
  describe('notifications', () => {
    it('a method without id is a notification', () => {
      const m = { method: 'turn/started', params: { threadId: 't' } };
      expect(classify(m)).toEqual({ kind: 'notification', message: m });
    });

    it('params are optional', () => {
      expect(classify({ method: 'initialized' })).toEqual({ kind: 'notification', message: { method: 'initialized' } });
    });

    it('keeps the very same object (no copy)', () => {
      const m = { method: 'x' };
      const c = classify(m);
      expect(c.kind === 'notification' && c.message).toBe(m);
    });

    it('tolerates a "jsonrpc" field', () => {
      expect(classify({ jsonrpc: '2.0', method: 'x' }).kind).toBe('notification');
    });
  });

  describe('requests', () => {
    it.each([
      ['a number id', 7],
      ['id 0', 0],
      ['a negative id', -3],
      ['a string id', 'req-1'],
      ['an empty string id', ''],
    ])('a method with %s is a request', (_label, id) => {
      const m = { id, method: 'item/tool/call', params: {} };
      expect(classify(m)).toEqual({ kind: 'request', message: m });
    });

    it.each([
      ['null', null],
      ['an object', { n: 1 }],
      ['an array', [1]],
      ['a boolean', true],
      ['Infinity', Infinity],
      ['NaN', NaN],
    ])('a method with %s as id is invalid', (_label, id) => {
      expect(classify({ id, method: 'x' })).toEqual({ kind: 'invalid', reason: 'request id must be a string or number' });
    });
  });

  describe('responses', () => {
    it('an id with a result is a response', () => {
      const m = { id: 1, result: { ok: true } };
      expect(classify(m)).toEqual({ kind: 'response', message: m });
    });

    it.each([
      ['null', null],
      ['false', false],
      ['0', 0],
      ['an empty object', {}],
    ])('a result of %s is still a response', (_label, result) => {
      expect(classify({ id: 'a', result }).kind).toBe('response');
    });

    it('an id with an error object is a response', () => {
      const m = { id: 2, error: { code: -32001, message: 'Server overloaded; retry later' } };
      expect(classify(m)).toEqual({ kind: 'response', message: m });
    });

    it('an error with data is a response', () => {
      expect(classify({ id: 2, error: { code: -32603, message: 'x', data: [1] } }).kind).toBe('response');
    });

    it.each([
      ['null', null],
      ['a string', 'boom'],
      ['a number', -32600],
      ['an object without code', { message: 'x' }],
      ['an object with a string code', { code: '-32600', message: 'x' }],
    ])('an error that is %s is invalid', (_label, error) => {
      expect(classify({ id: 3, error })).toEqual({ kind: 'invalid', reason: 'error response without a numeric code' });
    });

    it.each([
      ['null', null],
      ['an object', {}],
      ['a boolean', false],
      ['missing', undefined],
    ])('a result with %s as id is invalid', (_label, id) => {
      expect(classify({ id, result: {} })).toEqual({ kind: 'invalid', reason: 'neither a request, a notification nor a response' });
    });
  });

  describe('invalid values', () => {
    it.each([
      ['null', null],
      ['undefined', undefined],
      ['a number', 42],
      ['a string', '{"method":"x"}'],
      ['a boolean', true],
      ['an array', [{ method: 'x' }]],
      ['an empty array', []],
    ])('%s is not a JSON object', (_label, value) => {
      expect(classify(value)).toEqual({ kind: 'invalid', reason: 'not a JSON object' });
    });

    it.each([
      ['an empty object', {}],
      ['an id alone', { id: 1 }],
      ['params alone', { params: {} }],
      ['a non-string method', { method: 5 }],
      ['a non-string method with an id and params', { id: 1, method: null, params: {} }],
    ])('%s is neither', (_label, value) => {
      expect(classify(value)).toEqual({ kind: 'invalid', reason: 'neither a request, a notification nor a response' });
    });
  });
});
