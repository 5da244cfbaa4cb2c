import * as errors from '../lib/errors.js';
import {
  CodexError,
  InternalRpcError,
  InvalidParamsError,
  InvalidRequestError,
  isRetryableError,
  JsonRpcError,
  MethodNotAllowedError,
  MethodNotFoundError,
  ParseError,
  ProtocolError,
  RequestTimeoutError,
  RetryLimitExceededError,
  rpcErrorFromWire,
  ServerBusyError,
  TransportClosedError,
  TurnFailedError,
  ValidationError,
} from '../lib/errors.js';

type ErrorsModule = typeof errors;

describe('rpcErrorFromWire', () => {
  it.each([
    [-32700, ParseError, 'ParseError'],
    [-32600, InvalidRequestError, 'InvalidRequestError'],
    [-32601, MethodNotFoundError, 'MethodNotFoundError'],
    [-32602, InvalidParamsError, 'InvalidParamsError'],
    [-32603, InternalRpcError, 'InternalRpcError'],
    [-32001, ServerBusyError, 'ServerBusyError'],
    [-32010, MethodNotAllowedError, 'MethodNotAllowedError'],
  ] as const)('maps %i to %p', (code, cls, name) => {
    const e = rpcErrorFromWire({ code, message: 'boom', data: { why: 1 } }, 'thread/start');
    expect(e).toBeInstanceOf(cls);
    expect(e.constructor).toBe(cls);
    expect(e.name).toBe(name);
    expect(e.code).toBe(code);
    expect(e.data).toEqual({ why: 1 });
    expect(e.method).toBe('thread/start');
    expect(e.message).toBe(`thread/start: boom (${code})`);
    expect(JsonRpcError.is(e)).toBe(true);
    expect(CodexError.is(e)).toBe(true);
    expect(e).toBeInstanceOf(Error);
  });

  it('leaves the method out of the message when unknown', () => {
    const e = rpcErrorFromWire({ code: -32601, message: 'nope' });
    expect(e.message).toBe('nope (-32601)');
    expect(e.method).toBeUndefined();
  });

  it('maps -32001 "Server overloaded; retry later" to ServerBusyError (not its subclass)', () => {
    const e = rpcErrorFromWire({ code: -32001, message: 'Server overloaded; retry later' });
    expect(e.constructor).toBe(ServerBusyError);
  });

  it('maps another server-range code that says "overloaded" to ServerBusyError', () => {
    expect(rpcErrorFromWire({ code: -32000, message: 'The server is Overloaded' }).constructor).toBe(ServerBusyError);
  });

  it.each([
    ['"retry limit" in the message', { code: -32001, message: 'retry limit reached' }],
    ['"too many failed attempts" in the message', { code: -32000, message: 'Too many failed attempts' }],
    ['"retry limit" in string data', { code: -32050, message: 'stream failed', data: 'exceeded retry limit' }],
    ['"too many failed attempts" in object data', { code: -32099, message: 'failed', data: { detail: 'too many failed attempts' } }],
  ])('maps %s to RetryLimitExceededError', (_label, wire) => {
    const e = rpcErrorFromWire(wire);
    expect(e.constructor).toBe(RetryLimitExceededError);
    expect(ServerBusyError.is(e)).toBe(true);
  });

  it('does not map "retry limit" outside the server error range', () => {
    const e = rpcErrorFromWire({ code: -1, message: 'retry limit reached' });
    expect(e.constructor).toBe(JsonRpcError);
    expect(rpcErrorFromWire({ code: -32100, message: 'overloaded' }).constructor).toBe(JsonRpcError);
  });

  it('maps other server-range codes without a hint, and unknown codes, to plain JsonRpcError', () => {
    for (const code of [-32000, -32002, -32099, -32768, 1, 0, 404]) {
      const e = rpcErrorFromWire({ code, message: 'x' });
      expect(e.constructor).toBe(JsonRpcError);
      expect(e.code).toBe(code);
    }
  });

  it('classifies by code first: a -32602 mentioning "overloaded" is InvalidParamsError', () => {
    expect(rpcErrorFromWire({ code: -32602, message: 'overloaded param' }).constructor).toBe(InvalidParamsError);
  });
});

describe('static is()', () => {
  const busy = new ServerBusyError(-32001, 'Server overloaded; retry later');
  const retryLimit = new RetryLimitExceededError(-32001, 'retry limit');
  const parse = new ParseError(-32700, 'bad json');

  it('is true for the class itself and every ancestor', () => {
    expect(ServerBusyError.is(busy)).toBe(true);
    expect(JsonRpcError.is(busy)).toBe(true);
    expect(CodexError.is(busy)).toBe(true);
    expect(ServerBusyError.is(retryLimit)).toBe(true);
    expect(RetryLimitExceededError.is(retryLimit)).toBe(true);
  });

  it('is false for siblings, descendants and unrelated classes', () => {
    expect(ParseError.is(busy)).toBe(false);
    expect(RetryLimitExceededError.is(busy)).toBe(false);
    expect(ServerBusyError.is(parse)).toBe(false);
    expect(TransportClosedError.is(busy)).toBe(false);
    expect(JsonRpcError.is(new TransportClosedError('x'))).toBe(false);
    expect(ValidationError.is(new ProtocolError('x'))).toBe(false);
  });

  it('is false for non-errors and plain Errors', () => {
    for (const v of [undefined, null, 0, 'ServerBusyError', {}, [], new Error('x'), { name: 'ServerBusyError', code: -32001 }]) {
      expect(ServerBusyError.is(v)).toBe(false);
      expect(CodexError.is(v)).toBe(false);
    }
  });

  it('narrows the type', () => {
    const e: unknown = busy;
    if (ServerBusyError.is(e)) {
      const code: number = e.code; // compiles only when narrowed to ServerBusyError
      expect(code).toBe(-32001);
    } else {
      throw new Error('not narrowed');
    }
  });

  it('works for every class in the hierarchy', () => {
    const samples: Array<[CodexError, Array<{ is(e: unknown): boolean }>]> = [
      [new TransportClosedError('gone', { exitCode: 1 }), [TransportClosedError, CodexError]],
      [new ProtocolError('bad'), [ProtocolError, CodexError]],
      [new RequestTimeoutError('model/list', 10), [RequestTimeoutError, CodexError]],
      [new InvalidRequestError(-32600, 'x'), [InvalidRequestError, JsonRpcError, CodexError]],
      [new MethodNotFoundError(-32601, 'x'), [MethodNotFoundError, JsonRpcError, CodexError]],
      [new InvalidParamsError(-32602, 'x'), [InvalidParamsError, JsonRpcError, CodexError]],
      [new InternalRpcError(-32603, 'x'), [InternalRpcError, JsonRpcError, CodexError]],
      [new MethodNotAllowedError(-32010, 'x'), [MethodNotAllowedError, JsonRpcError, CodexError]],
      [new TurnFailedError('failed', 'th', 'tu', { message: 'x', codexErrorInfo: null, additionalDetails: null, misalignment: null }), [TurnFailedError, CodexError]],
      [new ValidationError('params', [{ path: '/a', message: 'bad' }]), [ValidationError, CodexError]],
    ];
    const all = [
      CodexError,
      TransportClosedError,
      ProtocolError,
      RequestTimeoutError,
      JsonRpcError,
      ParseError,
      InvalidRequestError,
      MethodNotFoundError,
      MethodNotAllowedError,
      InvalidParamsError,
      InternalRpcError,
      ServerBusyError,
      RetryLimitExceededError,
      TurnFailedError,
      ValidationError,
    ];
    for (const [error, yes] of samples) {
      for (const cls of all) expect([error.name, cls.name, cls.is(error)]).toEqual([error.name, cls.name, yes.includes(cls)]);
    }
  });

  describe('across duplicate package copies', () => {
    let A: ErrorsModule;
    let B: ErrorsModule;
    beforeAll(() => {
      jest.isolateModules(() => {
        A = require('../lib/errors');
      });
      jest.isolateModules(() => {
        B = require('../lib/errors');
      });
    });

    it('loads two distinct copies of the classes', () => {
      expect(A.ServerBusyError).not.toBe(B.ServerBusyError);
      expect(new B.ServerBusyError(-32001, 'x')).not.toBeInstanceOf(A.ServerBusyError);
    });

    it('recognises errors of the other copy', () => {
      expect(A.ServerBusyError.is(new B.ServerBusyError(-32001, 'busy'))).toBe(true);
      expect(B.ServerBusyError.is(new A.RetryLimitExceededError(-32001, 'retry limit'))).toBe(true);
      expect(A.JsonRpcError.is(new B.ParseError(-32700, 'x'))).toBe(true);
      expect(A.CodexError.is(new B.TransportClosedError('gone'))).toBe(true);
      expect(A.ParseError.is(new B.ServerBusyError(-32001, 'busy'))).toBe(false);
      expect(A.RetryLimitExceededError.is(new B.ServerBusyError(-32001, 'busy'))).toBe(false);
      expect(ServerBusyError.is(B.rpcErrorFromWire({ code: -32001, message: 'busy' }))).toBe(true);
    });

    it('isRetryableError works across copies', () => {
      expect(A.isRetryableError(new B.ServerBusyError(-32001, 'busy'))).toBe(true);
      expect(A.isRetryableError(new B.RetryLimitExceededError(-32001, 'retry limit'))).toBe(false);
    });
  });
});

describe('isRetryableError', () => {
  it('is true for ServerBusyError only', () => {
    expect(isRetryableError(rpcErrorFromWire({ code: -32001, message: 'Server overloaded; retry later' }))).toBe(true);
    expect(isRetryableError(new ServerBusyError(-32000, 'overloaded'))).toBe(true);
  });

  it('is false once the server gave up retrying', () => {
    expect(isRetryableError(rpcErrorFromWire({ code: -32001, message: 'retry limit exceeded' }))).toBe(false);
  });

  it('is false for everything else', () => {
    for (const e of [
      new ParseError(-32700, 'x'),
      new InternalRpcError(-32603, 'x'),
      new JsonRpcError(-32000, 'x'),
      new TransportClosedError('x'),
      new RequestTimeoutError('m', 1),
      new Error('overloaded'),
      { code: -32001 },
      undefined,
      null,
    ]) {
      expect(isRetryableError(e)).toBe(false);
    }
  });
});

describe('error details', () => {
  it('TransportClosedError carries exit code, signal and the stderr tail in its message', () => {
    const e = new TransportClosedError('codex app-server exited with code 2', { exitCode: 2, signal: null, stderrTail: 'panic: x\n' });
    expect(e.exitCode).toBe(2);
    expect(e.signal).toBeNull();
    expect(e.stderrTail).toBe('panic: x\n');
    expect(e.message).toContain('codex app-server exited with code 2');
    expect(e.message).toContain('panic: x');
    expect(new TransportClosedError('x').message).toBe('x');
    expect(new TransportClosedError('x').exitCode).toBeNull();
  });

  it('keeps the cause', () => {
    const cause = new Error('spawn ENOENT');
    expect(new TransportClosedError('could not start', { cause }).cause).toBe(cause);
  });

  it('RequestTimeoutError names the method and the deadline', () => {
    const e = new RequestTimeoutError('thread/read', 250);
    expect(e).toMatchObject({ method: 'thread/read', timeoutMs: 250, name: 'RequestTimeoutError' });
    expect(e.message).toContain('thread/read');
    expect(e.message).toContain('250');
  });

  it('ValidationError lists every issue with its path', () => {
    const e = new ValidationError('thread/start params', [
      { path: '/cwd', message: 'must be string' },
      { path: '', message: 'must have required property input' },
    ]);
    expect(e.message).toBe('thread/start params: /cwd must be string; must have required property input');
    expect(e.issues).toHaveLength(2);
  });

  it('TurnFailedError keeps thread, turn and the server error', () => {
    const e = new TurnFailedError('turn failed', 'th_1', 'tu_1', { message: 'model error', codexErrorInfo: null, additionalDetails: null, misalignment: null });
    expect(e).toMatchObject({ threadId: 'th_1', turnId: 'tu_1', turnError: { message: 'model error' } });
  });

  it('sets name to the concrete class', () => {
    expect(new RetryLimitExceededError(-32001, 'x').name).toBe('RetryLimitExceededError');
    expect(new ProtocolError('x').name).toBe('ProtocolError');
  });
});

describe('error names', () => {
  test('each class names its errors after itself, also when a minifier renamed the class (browser bundles)', () => {
    const classes = Object.entries(errors).filter((entry): entry is [string, typeof CodexError] => typeof entry[1] === 'function' && entry[1].prototype instanceof Error);
    expect(classes.length).toBeGreaterThanOrEqual(10);
    for (const [exported, Class] of classes) {
      const original = Object.getOwnPropertyDescriptor(Class, 'name')!;
      Object.defineProperty(Class, 'name', { value: 'e', configurable: true }); // what esbuild/terser leave
      try {
        // Run the real constructor chain through Reflect.construct (constructors differ in arity; names are set in CodexError's).
        const built = Reflect.construct(CodexError, ['x'], Class) as CodexError;
        expect([exported, built.name]).toEqual([exported, exported]);
      } finally {
        Object.defineProperty(Class, 'name', original);
      }
    }
  });

  test('a subclass of your own without a brand keeps its own class name', () => {
    class AppError extends CodexError {}
    expect(new AppError('x').name).toBe('AppError');
  });
});
