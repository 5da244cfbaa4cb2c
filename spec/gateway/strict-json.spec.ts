/** parseStrictJson: the parse a boundary can trust. */
import { MAX_JSON_DEPTH, MAX_JSON_VALUES, parseStrictJson } from '../../lib/gateway/strict-json.js';

describe('parseStrictJson', () => {
  it('parses what JSON.parse parses when no key repeats', () => {
    for (const text of ['{}', '[]', '1', '"x"', 'null', '{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}', '{"a\\"b":1,"a\\\\":2,"":3}', ' { "k" : [ "}" , "{" , "\\"" ] } ']) {
      expect(parseStrictJson(text)).toEqual({ ok: true, value: JSON.parse(text) });
    }
  });

  it('refuses a key twice in one object, at any depth, after decoding escapes', () => {
    expect(parseStrictJson('{"a":1,"a":2}')).toEqual({ ok: false, reason: 'duplicate key "a"' });
    expect(parseStrictJson('{"x":[{"b":1,"c":{"d":1},"b":2}]}')).toEqual({ ok: false, reason: 'duplicate key "b"' });
    expect(parseStrictJson('{"method":1,"\\u006d\\u0065thod":2}')).toEqual({ ok: false, reason: 'duplicate key "method"' });
    expect(parseStrictJson('{"\\/":1,"/":2}')).toEqual({ ok: false, reason: 'duplicate key "/"' });
    // Many keys (past the small-array threshold) still find the repeat.
    const many = Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`).join(',');
    expect(parseStrictJson(`{${many},"k3":0}`)).toEqual({ ok: false, reason: 'duplicate key "k3"' });
    expect(parseStrictJson(`{${many}}`).ok).toBe(true);
  });

  it('a key equal to a string value elsewhere is no duplicate', () => {
    expect(parseStrictJson('{"a":"b","b":"a","c":["a","a"]}').ok).toBe(true);
  });

  it('refuses nesting deeper than the limit, counting objects and arrays', () => {
    const nest = (n: number) => '{"a":'.repeat(n - 1) + '[]' + '}'.repeat(n - 1);
    expect(parseStrictJson(nest(MAX_JSON_DEPTH)).ok).toBe(true);
    expect(parseStrictJson(nest(MAX_JSON_DEPTH + 1))).toEqual({ ok: false, reason: `nested deeper than ${MAX_JSON_DEPTH} levels` });
    expect(parseStrictJson('['.repeat(100_000)).ok).toBe(false);
  });

  it('refuses half of a surrogate pair, escaped, in a key or a value; keeps whole pairs', () => {
    for (const text of ['{"a":"\\ud800"}', '{"a":"x\\udc00y"}', '{"\\udbff":1}', '{"a":["ok","\\ud800\\u0041"]}']) {
      expect({ text, r: parseStrictJson(text) }).toEqual({ text, r: { ok: false, reason: 'a string holds half of a surrogate pair' } });
    }
    expect(parseStrictJson('{"a":"\\ud83d\\ude00","b":"\\u00e9"}')).toEqual({ ok: true, value: { a: '\u{1F600}', b: 'é' } });
  });

  it('refuses more objects, arrays and strings than the limit', () => {
    const many = (n: number) => JSON.stringify({ a: Array.from({ length: n }, () => ({})) });
    expect(parseStrictJson(many(MAX_JSON_VALUES - 3)).ok).toBe(true);
    expect(parseStrictJson(many(MAX_JSON_VALUES))).toEqual({ ok: false, reason: `more than ${MAX_JSON_VALUES} objects, arrays and strings` });
    expect(parseStrictJson(JSON.stringify(Array.from({ length: 20 }, () => 'x')), 64, 10)).toEqual({ ok: false, reason: 'more than 10 objects, arrays and strings' });
  });

  it('malformed text is "not JSON"', () => {
    for (const text of ['', '{', '{"a":1,}', '{"a" 1}', "{'a':1}", '{"a":"\\x"}', '{"a":1}}']) expect(parseStrictJson(text)).toEqual({ ok: false, reason: 'not JSON' });
  });

  it('the duplicate key in the reason is log-safe', () => {
    expect(parseStrictJson('{"a\\nb":1,"a\\nb":2}')).toEqual({ ok: false, reason: 'duplicate key "a\\\\nb"' });
  });
});
