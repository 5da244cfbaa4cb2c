import { parseJsonMessage } from '../../lib/transport/json-message.js';
import { MalformedLine } from '../../lib/transport/transport.js';

describe('parseJsonMessage (one line or text frame → one message)', () => {
  it('parses JSON of any shape (telling JSON-RPC apart is the connection’s job)', () => {
    expect(parseJsonMessage('{"method":"turn/started","params":{"turnId":"t"}}')).toEqual({ method: 'turn/started', params: { turnId: 't' } });
    expect(parseJsonMessage('[1,2]')).toEqual([1, 2]);
    expect(parseJsonMessage('null')).toBeNull();
  });

  it('returns a MalformedLine carrying the text and the parser’s reason instead of throwing', () => {
    const out = parseJsonMessage('{"method": oops}');
    expect(out).toBeInstanceOf(MalformedLine);
    expect((out as MalformedLine).text).toBe('{"method": oops}');
    expect((out as MalformedLine).reason).toMatch(/JSON/);
    expect(parseJsonMessage('')).toBeInstanceOf(MalformedLine);
  });
});
