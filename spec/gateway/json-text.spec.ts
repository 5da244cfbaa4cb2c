/** stringEnd: the JSON string scan the gateway's parsers share. */
import { stringEnd } from '../../lib/gateway/json-text.js';

describe('stringEnd', () => {
  it('finds the closing quote past escaped quotes and backslashes', () => {
    for (const [text, end] of [['"abc"', 4], ['"a\\"b"', 5], ['"a\\\\"', 4], ['"\\\\\\""', 5], ['"abc', -1], ['"a\\"', -1]] as const) expect([text, stringEnd(text, 0)]).toEqual([text, end]);
  });
});
