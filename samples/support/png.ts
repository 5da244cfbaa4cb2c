/**
 * A tiny PNG encoder for the image samples: an image of coloured vertical stripes, small enough
 * to inline as a `data:` URL. (Just enough of the format: 8-bit RGB, no filtering, one IDAT.)
 */
import { deflateSync } from 'node:zlib';

export type Rgb = readonly [number, number, number];

/** A `width`×`height` PNG whose columns are split evenly among `stripes`, left to right. */
export function stripesPng(width: number, height: number, stripes: readonly Rgb[]): Buffer {
  const row = Buffer.alloc(1 + width * 3); // filter byte 0 (none), then RGB per pixel
  for (let x = 0; x < width; x++) {
    const [r, g, b] = stripes[Math.min(stripes.length - 1, Math.floor((x * stripes.length) / width))];
    row.set([r, g, b], 1 + x * 3);
  }
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type 2 (RGB), default compression/filter/interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** `data:image/png;base64,…` */
export function dataUrl(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
