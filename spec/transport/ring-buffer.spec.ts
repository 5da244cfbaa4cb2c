import { TextRingBuffer } from '../../lib/transport/ring-buffer.js';

describe('TextRingBuffer', () => {
  it('defaults to 64 KiB', () => {
    expect(new TextRingBuffer().capacity).toBe(64 * 1024);
  });

  it('keeps everything while under capacity', () => {
    const b = new TextRingBuffer(10);
    b.append('abc');
    b.append('def');
    expect(b.toString()).toBe('abcdef');
  });

  it('keeps exactly capacity characters when full', () => {
    const b = new TextRingBuffer(10);
    b.append('0123456789');
    expect(b.toString()).toBe('0123456789');
  });

  it('keeps the last characters of a single chunk longer than capacity', () => {
    const b = new TextRingBuffer(4);
    b.append('abcdefgh');
    expect(b.toString()).toBe('efgh');
  });

  it('drops the oldest characters first', () => {
    const b = new TextRingBuffer(6);
    b.append('aaa');
    b.append('bbb');
    b.append('ccc');
    expect(b.toString()).toBe('bbbccc');
  });

  it('ignores empty text', () => {
    const b = new TextRingBuffer(3);
    b.append('abc');
    b.append('');
    expect(b.toString()).toBe('abc');
  });

  it('with capacity 0 holds nothing', () => {
    const b = new TextRingBuffer(0);
    b.append('abc');
    expect(b.toString()).toBe('');
  });

  it('always holds the last `capacity` characters of everything appended', () => {
    // Chunks of varied sizes, some larger than capacity, most not aligned with it.
    const sizes = [1, 7, 3, 12, 5, 5, 2, 9, 1, 1, 30, 4, 6];
    for (const capacity of [1, 5, 10, 16]) {
      const b = new TextRingBuffer(capacity);
      let all = '';
      sizes.forEach((n, i) => {
        const chunk = String.fromCharCode(97 + (i % 26)).repeat(n);
        b.append(chunk);
        all += chunk;
        const held = b.toString();
        expect(held.length).toBeLessThanOrEqual(capacity);
        expect(held).toBe(all.slice(-capacity));
      });
    }
  });
});
