import { ProtocolError } from '../errors.js';

/** Default longest line accepted (64 MiB): a line past it fails the connection instead of eating memory. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into JSONL lines. Handles partial lines across chunks, many lines per
 * chunk, UTF-8 sequences split across chunks (lines are only decoded once complete), CRLF,
 * blank lines and a final line without a newline. Pure and browser-safe.
 */
export class LineDecoder {
  private readonly text = new TextDecoder('utf-8');
  private partial: Uint8Array[] = [];
  private partialBytes = 0;

  constructor(private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES) {}

  /** Feeds a chunk; calls `onLine` for each complete, non-blank line. Throws ProtocolError past the limit. */
  push(chunk: Uint8Array, onLine: (line: string) => void): void {
    let start = 0;
    let nl = chunk.indexOf(NEWLINE, start);
    while (nl !== -1) {
      if (this.partialBytes === 0) {
        this.checkSize(nl - start);
        this.emit(chunk.subarray(start, nl), onLine);
      } else {
        this.checkSize(this.partialBytes + nl - start);
        this.partial.push(chunk.subarray(start, nl));
        this.emit(this.takePartial(), onLine);
      }
      start = nl + 1;
      nl = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.checkSize(this.partialBytes + rest.length);
      // Copy: the caller may reuse its buffer.
      this.partial.push(rest.slice());
      this.partialBytes += rest.length;
    }
  }

  /** Ends the stream: a final line without newline is still a line. */
  end(onLine: (line: string) => void): void {
    if (this.partialBytes > 0) this.emit(this.takePartial(), onLine);
  }

  /** Bytes held for an incomplete line. */
  get bufferedBytes(): number {
    return this.partialBytes;
  }

  private checkSize(bytes: number): void {
    if (bytes > this.maxLineBytes) {
      this.partial = [];
      this.partialBytes = 0;
      throw new ProtocolError(`app-server sent a line longer than ${this.maxLineBytes} bytes`);
    }
  }

  private takePartial(): Uint8Array {
    const parts = this.partial;
    this.partial = [];
    this.partialBytes = 0;
    if (parts.length === 1) return parts[0];
    let size = 0;
    for (const p of parts) size += p.length;
    const joined = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      joined.set(p, at);
      at += p.length;
    }
    return joined;
  }

  private emit(bytes: Uint8Array, onLine: (line: string) => void): void {
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === CR) end--;
    if (end === 0) return;
    const line = this.text.decode(end === bytes.length ? bytes : bytes.subarray(0, end));
    if (line.trim().length > 0) onLine(line);
  }
}
