import { ValidationError } from '../../lib/errors.js';
import { appServerArgs, configArgs, toTomlValue } from '../../lib/transport/stdio-args.js';
import { thrown } from '../support/thrown.js';

describe('toTomlValue', () => {
  it('renders strings as TOML basic strings, escaping quotes, backslashes and control characters', () => {
    expect(toTomlValue('o3')).toBe('"o3"');
    expect(toTomlValue('')).toBe('""');
    expect(toTomlValue('say "hi"\\n')).toBe('"say \\"hi\\"\\\\n"');
    expect(toTomlValue('line1\nline2\ttab')).toBe('"line1\\nline2\\ttab"');
    expect(toTomlValue('héllo 😀')).toBe('"héllo 😀"');
  });

  it('renders numbers', () => {
    expect(toTomlValue(0)).toBe('0');
    expect(toTomlValue(42)).toBe('42');
    expect(toTomlValue(-7)).toBe('-7');
    expect(toTomlValue(0.25)).toBe('0.25');
  });

  it('renders booleans', () => {
    expect(toTomlValue(true)).toBe('true');
    expect(toTomlValue(false)).toBe('false');
  });

  it('renders arrays, also nested and mixed', () => {
    expect(toTomlValue([])).toBe('[]');
    expect(toTomlValue(['a', 'b'])).toBe('["a", "b"]');
    expect(toTomlValue([1, [true, 'x']])).toBe('[1, [true, "x"]]');
  });

  it('renders objects as inline tables, quoting keys that are not bare', () => {
    expect(toTomlValue({ name: 'mock', retries: 0 })).toBe('{ name = "mock", retries = 0 }');
    expect(toTomlValue({ 'with space': 1, 'a.b': 2, ok_key: 3, 'dash-key': 4 })).toBe(
      '{ "with space" = 1, "a.b" = 2, ok_key = 3, dash-key = 4 }',
    );
  });

  it('renders nested objects and arrays of objects', () => {
    expect(toTomlValue({ mock: { base_url: 'http://127.0.0.1:1/v1', headers: { a: 'b' } }, list: [{ x: 1 }] })).toBe(
      '{ mock = { base_url = "http://127.0.0.1:1/v1", headers = { a = "b" } }, list = [{ x = 1 }] }',
    );
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a bigint', BigInt(1)],
  ])('rejects %s with ValidationError', (_label, value) => {
    const e = thrown(() => toTomlValue(value));
    expect(e).toBeInstanceOf(ValidationError);
    expect(ValidationError.is(e)).toBe(true);
    expect((e as ValidationError).subject).toBe('configOverrides');
  });

  it('reports the JSON path of a rejected value deep inside', () => {
    const e = thrown(() => toTomlValue({ a: { b: [1, null] } }, 'root')) as ValidationError;
    expect(ValidationError.is(e)).toBe(true);
    expect(e.issues).toEqual([{ path: 'root.a.b[1]', message: expect.stringContaining('null') }]);
    expect(e.message).toContain('root.a.b[1]');
  });

  it('reports the path of a function value and names its type', () => {
    const e = thrown(() => toTomlValue({ f: () => 1 })) as ValidationError;
    expect(e.issues[0]).toEqual({ path: 'value.f', message: expect.stringContaining('function') });
  });

  it('reports NaN as not finite', () => {
    const e = thrown(() => toTomlValue([NaN])) as ValidationError;
    expect(e.issues[0]).toEqual({ path: 'value[0]', message: 'must be a finite number' });
  });
});

describe('configArgs', () => {
  it('returns nothing for undefined', () => {
    expect(configArgs(undefined)).toEqual([]);
  });

  it('returns nothing for an empty object or list', () => {
    expect(configArgs({})).toEqual([]);
    expect(configArgs([])).toEqual([]);
  });

  it('turns an object into --config key=TOML pairs, in key order', () => {
    expect(
      configArgs({
        model: 'mock-model',
        'model_providers.mock.request_max_retries': 0,
        approval_policy: 'never',
        features: { web_search: false },
        'sandbox_workspace_write.writable_roots': ['/tmp/a', '/tmp/b'],
      }),
    ).toEqual([
      '--config',
      'model="mock-model"',
      '--config',
      'model_providers.mock.request_max_retries=0',
      '--config',
      'approval_policy="never"',
      '--config',
      'features={ web_search = false }',
      '--config',
      'sandbox_workspace_write.writable_roots=["/tmp/a", "/tmp/b"]',
    ]);
  });

  it('rejects object values TOML cannot hold, with the key as path', () => {
    const e = thrown(() => configArgs({ model: null })) as ValidationError;
    expect(ValidationError.is(e)).toBe(true);
    expect(e.issues[0].path).toBe('model');
    const nested = thrown(() => configArgs({ provider: { retries: NaN } })) as ValidationError;
    expect(nested.issues[0].path).toBe('provider.retries');
  });

  it('passes key=value strings through unchanged', () => {
    expect(configArgs(['model="o3"', 'a.b.c=1', 'x=', 'k=v=w'])).toEqual([
      '--config',
      'model="o3"',
      '--config',
      'a.b.c=1',
      '--config',
      'x=',
      '--config',
      'k=v=w',
    ]);
  });

  it.each([
    ['no equals sign', 'model'],
    ['empty key', '=value'],
    ['leading space', ' model=1'],
    ['space in key', 'mo del=1'],
    ['empty string', ''],
  ])('rejects a malformed pair (%s) with its index as path', (_label, pair) => {
    const e = thrown(() => configArgs(['ok=1', pair])) as ValidationError;
    expect(ValidationError.is(e)).toBe(true);
    expect(e.issues).toEqual([{ path: '[1]', message: 'must look like key=value' }]);
  });

  it('rejects a non-string entry in the list', () => {
    const e = thrown(() => configArgs([42 as unknown as string])) as ValidationError;
    expect(ValidationError.is(e)).toBe(true);
    expect(e.issues[0].path).toBe('[0]');
  });
});

describe('appServerArgs', () => {
  it('defaults to app-server over stdio', () => {
    expect(appServerArgs({})).toEqual(['app-server', '--listen', 'stdio://']);
  });

  it('puts config overrides before the subcommand', () => {
    expect(appServerArgs({ configOverrides: { model: 'o3' } })).toEqual(['--config', 'model="o3"', 'app-server', '--listen', 'stdio://']);
    expect(appServerArgs({ configOverrides: ['a=1'] })).toEqual(['--config', 'a=1', 'app-server', '--listen', 'stdio://']);
  });

  it('uses launchArgsOverride verbatim, ignoring config overrides', () => {
    const override = ['app-server', '--listen', 'stdio://', '--experimental'];
    const args = appServerArgs({ launchArgsOverride: override, configOverrides: { model: 'o3' } });
    expect(args).toEqual(override);
  });

  it('returns a copy of launchArgsOverride', () => {
    const override = ['x'];
    const args = appServerArgs({ launchArgsOverride: override });
    args.push('y');
    expect(override).toEqual(['x']);
  });

  it('validates overrides when not overridden', () => {
    expect(() => appServerArgs({ configOverrides: ['bad'] })).toThrow(ValidationError);
  });

  it('an empty launchArgsOverride is still an override', () => {
    expect(appServerArgs({ launchArgsOverride: [], configOverrides: { model: 'o3' } })).toEqual([]);
  });
});
