/** Output of a process or command, base64 on the wire: decoded per stream, capped in bytes. */
import { ValidationError } from '../../lib/errors.js';
import { base64ToBytes, OutputDecoder, outputLimit, toBase64 } from '../../lib/streams/output-chunk.js';
import { DEFAULT_MAX_OUTPUT_BYTES } from '../../lib/streams/stream-limits.js';

describe('toBase64 / base64ToBytes', () => {
  it('round-trip text (UTF-8) and bytes, large inputs included', () => {
    expect(toBase64('héllo 😀')).toBe(Buffer.from('héllo 😀').toString('base64'));
    const big = new Uint8Array(100_000).map((_, i) => i % 256);
    expect(base64ToBytes(toBase64(big))).toEqual(big);
  });
});

describe('OutputDecoder', () => {
  it('decodes each stream on its own, keeping a character split across chunks whole', () => {
    const d = new OutputDecoder(1000);
    const euro = Buffer.from('€');
    const first = d.decode('stdout', euro.subarray(0, 1).toString('base64'), false);
    const other = d.decode('stderr', toBase64('err'), false);
    const rest = d.decode('stdout', euro.subarray(1).toString('base64'), true);
    expect([first?.text, other?.text, rest?.text]).toEqual(['', 'err', '€']);
    expect(rest).toMatchObject({ type: 'output', stream: 'stdout', capReached: true, bytes: new Uint8Array(euro.subarray(1)) });
  });

  it('gives nothing once the total passes the limit (both streams count)', () => {
    const d = new OutputDecoder(5);
    expect(d.decode('stdout', toBase64('abc'), false)?.text).toBe('abc');
    expect(d.decode('stderr', toBase64('de'), false)?.text).toBe('de');
    expect(d.decode('stdout', toBase64('f'), false)).toBeUndefined();
  });
});

describe('outputLimit', () => {
  it('defaults to 64 MiB and keeps a positive integer', () => {
    expect(outputLimit(undefined, 'processSpawn')).toBe(DEFAULT_MAX_OUTPUT_BYTES);
    expect(outputLimit(10, 'processSpawn')).toBe(10);
  });

  it('refuses anything else with a ValidationError on maxOutputBytes', () => {
    for (const v of [0, -1, 1.5, '10', NaN, Number.MAX_SAFE_INTEGER + 2]) {
      expect(() => outputLimit(v, 'processSpawn')).toThrow(ValidationError);
    }
  });
});
