import { ValidationError } from '../errors.js';

/** Which output stream of a command or process a chunk came from. */
export type OutputStreamName = 'stdout' | 'stderr';

/** One chunk of a command's or process's output, decoded. */
export interface OutputChunk {
  readonly type: 'output';
  readonly stream: OutputStreamName;
  /** The raw bytes (the wire carries them in base64). */
  readonly bytes: Uint8Array;
  /** The bytes as UTF-8; a character split across chunks is completed in the next chunk's text. */
  readonly text: string;
  /** True on the last chunk of this stream when the server's `outputBytesCap` cut the rest. */
  readonly capReached: boolean;
}

export { DEFAULT_MAX_OUTPUT_BYTES, OutputLimitExceededError } from './stream-limits.js';
import { DEFAULT_MAX_OUTPUT_BYTES, OutputLimitExceededError } from './stream-limits.js';

/** Decodes base64 output chunks per stream, counting bytes against a limit. */
export class OutputDecoder {
  private readonly decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  private total = 0;

  constructor(private readonly maxBytes: number) {}

  /** The decoded chunk, or undefined when it would pass the limit. */
  decode(stream: OutputStreamName, deltaBase64: string, capReached: boolean): OutputChunk | undefined {
    const bytes = base64ToBytes(deltaBase64);
    this.total += bytes.length;
    if (this.total > this.maxBytes) return undefined;
    const decoder = this.decoders[stream] ?? this.decoders.stdout;
    return { type: 'output', stream, bytes, text: decoder.decode(bytes, { stream: true }), capReached };
  }
}

/** Base64 → bytes without Node's Buffer (this file also runs in browsers). */
export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Bytes or text (UTF-8) → base64, without Node's Buffer. */
export function toBase64(data: string | Uint8Array): string {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  let binary = '';
  // Chunked: String.fromCharCode(...bytes) overflows the stack on large inputs.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Checks a user-supplied output limit. */
export function outputLimit(value: unknown, where: string): number {
  if (value === undefined) return DEFAULT_MAX_OUTPUT_BYTES;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ValidationError(where, [{ path: 'maxOutputBytes', message: 'must be a positive integer' }]);
  }
  return value;
}
