import { ProtocolError } from '../../lib/errors.js';
import { DEFAULT_MAX_LINE_BYTES, LineDecoder } from '../../lib/transport/line-decoder.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Feeds every chunk, then ends; returns the lines seen. */
function decodeAll(chunks: Array<string | Uint8Array>, decoder = new LineDecoder()): string[] {
  const lines: string[] = [];
  for (const c of chunks) decoder.push(typeof c === 'string' ? utf8(c) : c, (l) => lines.push(l));
  decoder.end((l) => lines.push(l));
  return lines;
}

/** Splits bytes at the given offsets. */
function splitAt(bytes: Uint8Array, ...offsets: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (const o of offsets) {
    out.push(bytes.slice(start, o));
    start = o;
  }
  out.push(bytes.slice(start));
  return out;
}

describe('LineDecoder', () => {
  it('emits one line per newline-terminated line in a single chunk', () => {
    expect(decodeAll(['{"a":1}\n'])).toEqual(['{"a":1}']);
  });

  it('emits several lines from one chunk, in order', () => {
    expect(decodeAll(['{"a":1}\n{"b":2}\n{"c":3}\n'])).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('joins a line split across chunks', () => {
    expect(decodeAll(['{"method":', '"turn/', 'started"}', '\n'])).toEqual(['{"method":"turn/started"}']);
  });

  it('handles lines that end and start inside the same chunk', () => {
    expect(decodeAll(['{"a"', ':1}\n{"b":', '2}\n{"c":3', '}\n'])).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('does not emit a line before its newline arrives', () => {
    const decoder = new LineDecoder();
    const lines: string[] = [];
    decoder.push(utf8('{"partial":'), (l) => lines.push(l));
    expect(lines).toEqual([]);
    expect(decoder.bufferedBytes).toBe(11);
    decoder.push(utf8('true}\n'), (l) => lines.push(l));
    expect(lines).toEqual(['{"partial":true}']);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('decodes a 2-byte UTF-8 character split between chunks', () => {
    const bytes = utf8('{"t":"é"}\n');
    const at = bytes.indexOf(0xc3) + 1; // between the two bytes of é
    expect(decodeAll(splitAt(bytes, at))).toEqual(['{"t":"é"}']);
  });

  it('decodes multi-byte characters split at every byte offset', () => {
    const text = '{"t":"é😀中"}';
    const bytes = utf8(text + '\n');
    for (let at = 0; at <= bytes.length; at++) {
      expect(decodeAll(splitAt(bytes, at))).toEqual([text]);
    }
  });

  it('decodes an emoji fed one byte at a time', () => {
    const text = '{"e":"👩‍💻😀"}';
    const bytes = utf8(text + '\n');
    const oneByteChunks = Array.from(bytes, (b) => Uint8Array.of(b));
    expect(decodeAll(oneByteChunks)).toEqual([text]);
  });

  it('decodes an emoji split at every pair of offsets (three chunks)', () => {
    const text = '"😀"';
    const bytes = utf8(text + '\n');
    for (let a = 0; a <= bytes.length; a++) {
      for (let b = a; b <= bytes.length; b++) {
        expect(decodeAll(splitAt(bytes, a, b))).toEqual([text]);
      }
    }
  });

  it('strips CR of CRLF line endings, also when CR and LF arrive in different chunks', () => {
    expect(decodeAll(['{"a":1}\r\n{"b":2}\r\n'])).toEqual(['{"a":1}', '{"b":2}']);
    expect(decodeAll(['{"a":1}\r', '\n{"b":2}\r', '\n'])).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('keeps a CR that is not at the end of the line', () => {
    expect(decodeAll(['a\rb\n'])).toEqual(['a\rb']);
  });

  it('skips blank and whitespace-only lines', () => {
    expect(decodeAll(['\n\n{"a":1}\n\r\n   \n\t\r\n{"b":2}\n\n'])).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('emits a final line without newline on end()', () => {
    const decoder = new LineDecoder();
    const lines: string[] = [];
    decoder.push(utf8('{"a":1}\n{"last":true}'), (l) => lines.push(l));
    expect(lines).toEqual(['{"a":1}']);
    decoder.end((l) => lines.push(l));
    expect(lines).toEqual(['{"a":1}', '{"last":true}']);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('emits nothing on end() when the stream ended with a newline or is empty', () => {
    expect(decodeAll(['{"a":1}\n'])).toEqual(['{"a":1}']);
    expect(decodeAll([])).toEqual([]);
    expect(decodeAll(['', ''])).toEqual([]);
  });

  it('end() handles a final line with CR and a multi-byte character split before it', () => {
    const bytes = utf8('"ü"\r');
    expect(decodeAll(splitAt(bytes, 2))).toEqual(['"ü"']);
  });

  it('accepts empty chunks anywhere', () => {
    expect(decodeAll(['', '{"a"', '', ':1}', '', '\n', ''])).toEqual(['{"a":1}']);
  });

  it('defaults to a 64 MiB line limit', () => {
    expect(DEFAULT_MAX_LINE_BYTES).toBe(64 * 1024 * 1024);
  });

  describe('max line size', () => {
    it('accepts a line of exactly the limit', () => {
      expect(decodeAll(['0123456789\n'], new LineDecoder(10))).toEqual(['0123456789']);
    });

    it('throws ProtocolError for a line over the limit within one chunk', () => {
      const decoder = new LineDecoder(10);
      const lines: string[] = [];
      expect(() => decoder.push(utf8('short\n01234567890\n'), (l) => lines.push(l))).toThrow(ProtocolError);
      expect(lines).toEqual(['short']);
    });

    it('throws ProtocolError for an unterminated tail over the limit within one chunk', () => {
      const decoder = new LineDecoder(10);
      expect(() => decoder.push(utf8('01234567890'), () => undefined)).toThrow(ProtocolError);
      expect(decoder.bufferedBytes).toBe(0);
    });

    it('throws ProtocolError when a line grows past the limit across chunks', () => {
      const decoder = new LineDecoder(10);
      decoder.push(utf8('012345'), () => undefined);
      expect(decoder.bufferedBytes).toBe(6);
      let error: unknown;
      try {
        decoder.push(utf8('67890'), () => undefined);
      } catch (e) {
        error = e;
      }
      expect(ProtocolError.is(error)).toBe(true);
      expect((error as Error).message).toContain('10 bytes');
      expect(decoder.bufferedBytes).toBe(0);
    });

    it('throws ProtocolError when the newline completing an over-long line arrives in a later chunk', () => {
      const decoder = new LineDecoder(10);
      decoder.push(utf8('0123456789'), () => undefined);
      expect(() => decoder.push(utf8('x\n'), () => undefined)).toThrow(ProtocolError);
    });

    it('counts bytes, not characters', () => {
      // 4 × "é" = 8 bytes fits 8; 5 × "é" = 10 bytes does not.
      expect(decodeAll(['éééé\n'], new LineDecoder(8))).toEqual(['éééé']);
      expect(() => decodeAll(['ééééé\n'], new LineDecoder(8))).toThrow(ProtocolError);
    });

    it('applies the limit per line, not per chunk', () => {
      const chunk = Array.from({ length: 50 }, (_, i) => `{"n":${i}}`).join('\n') + '\n';
      const lines = decodeAll([chunk], new LineDecoder(10));
      expect(lines).toHaveLength(50);
      expect(lines[49]).toBe('{"n":49}');
    });

    it('keeps working after an over-long line was rejected', () => {
      const decoder = new LineDecoder(10);
      expect(() => decoder.push(utf8('0123456789ABC'), () => undefined)).toThrow(ProtocolError);
      const lines: string[] = [];
      decoder.push(utf8('ok\n'), (l) => lines.push(l));
      expect(lines).toEqual(['ok']);
    });
  });

  it('copies held bytes, so the caller may reuse its buffer', () => {
    const decoder = new LineDecoder();
    const lines: string[] = [];
    const buffer = new Uint8Array(64);

    const written = new TextEncoder().encodeInto('{"first":', buffer).written!;
    decoder.push(buffer.subarray(0, written), (l) => lines.push(l));
    buffer.fill(0x78); // the caller overwrites its buffer ("xxx…")
    const n = new TextEncoder().encodeInto('"kept"}\n', buffer).written!;
    decoder.push(buffer.subarray(0, n), (l) => lines.push(l));
    buffer.fill(0x78);

    expect(lines).toEqual(['{"first":"kept"}']);
  });

  it('copies held bytes across several partial chunks from one reused buffer', () => {
    const decoder = new LineDecoder();
    const lines: string[] = [];
    const buffer = new Uint8Array(4);
    const bytes = utf8('{"k":"é😀"}\n');
    for (let i = 0; i < bytes.length; i += buffer.length) {
      const part = bytes.subarray(i, i + buffer.length);
      buffer.set(part);
      decoder.push(buffer.subarray(0, part.length), (l) => lines.push(l));
      buffer.fill(0);
    }
    expect(lines).toEqual(['{"k":"é😀"}']);
  });
});
