// A small PNG made on the spot, so the image examples need no binary asset: three vertical
// stripes, red, green and blue, which a real model can describe and a reader can check.
import { deflateSync } from 'node:zlib';

const WIDTH = 96;
const HEIGHT = 64;
const STRIPES: ReadonlyArray<readonly [number, number, number]> = [
  [220, 40, 40],
  [40, 170, 60],
  [40, 80, 220],
];

/** The stripes as PNG bytes. */
export function stripesPng(): Buffer {
  const row = Buffer.alloc(1 + WIDTH * 3); // filter byte 0, then RGB pixels
  for (let x = 0; x < WIDTH; x += 1) {
    const color = STRIPES[Math.floor((x * STRIPES.length) / WIDTH)]!;
    row.set(color, 1 + x * 3);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(WIDTH, 0);
  header.writeUInt32BE(HEIGHT, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: HEIGHT }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The stripes as a `data:` URL, the form `ImageInput` takes. */
export function stripesDataUrl(): string {
  return `data:image/png;base64,${stripesPng().toString('base64')}`;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
