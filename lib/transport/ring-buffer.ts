/** Keeps the last `capacity` characters of a text stream (e.g. stderr), dropping the oldest. */
export class TextRingBuffer {
  private chunks: string[] = [];
  private size = 0;

  constructor(readonly capacity = 64 * 1024) {}

  append(text: string): void {
    if (text.length === 0) return;
    this.chunks.push(text);
    this.size += text.length;
    // Drop whole chunks only while what remains still fills the capacity, then trim the oldest.
    while (this.chunks.length > 0 && this.size - this.chunks[0].length >= this.capacity) {
      this.size -= this.chunks.shift()!.length;
    }
    if (this.size > this.capacity) {
      this.chunks[0] = this.chunks[0].slice(this.size - this.capacity);
      this.size = this.capacity;
    }
  }

  /** Everything held, oldest first. */
  toString(): string {
    return this.chunks.join('');
  }
}
