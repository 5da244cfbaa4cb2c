/** The streams' limits and their error, which the main entry exports without loading the streams. */
import { CodexError } from '../../lib/errors.js';
import { DEFAULT_MAX_OUTPUT_BYTES, MAX_PARTIAL_SEARCH_ROWS, OutputLimitExceededError } from '../../lib/streams/stream-limits.js';

describe('stream limits', () => {
  it('64 MiB of output by default; 1000 rows of a partial search', () => {
    expect(DEFAULT_MAX_OUTPUT_BYTES).toBe(64 * 1024 * 1024);
    expect(MAX_PARTIAL_SEARCH_ROWS).toBe(1000);
  });
});

describe('OutputLimitExceededError', () => {
  it('names the limit and what was stopped, and is recognised by is() as itself and a CodexError', () => {
    const e = new OutputLimitExceededError(5, 'process p1');
    expect(e.message).toBe('process p1 wrote more than 5 bytes of output (maxOutputBytes); it was stopped');
    expect(e.maxOutputBytes).toBe(5);
    expect(OutputLimitExceededError.is(e)).toBe(true);
    expect(CodexError.is(e)).toBe(true);
    expect(OutputLimitExceededError.is(new CodexError('x'))).toBe(false);
  });
});
