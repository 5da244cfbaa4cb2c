/** Keeps the last `capacity` characters of a text stream (e.g. stderr), dropping the oldest. */
export class TextRingBuffer {
  private chunks: string[] = [];
  private size = 0;

  constructor(readonly capacity = 64 * 1024) {}

  append(text: string): void {
    if (text.length === 0) return;
    this.chunks.push(text);
    this.size += text.length;
    while (this.size > this.capacity && this.chunks.length > 1) {
      this.size -= this.chunks.shift()!.length;
    }
    if (this.size > this.capacity) {
      const only = this.chunks[0].slice(this.size - this.capacity);
      this.chunks = [only];
      this.size = only.length;
    }
  }

  /** Everything held, oldest first. */
  toString(): string {
    return this.chunks.join('');
  }
}
