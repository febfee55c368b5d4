/**
 * A small zip writer and reader over node's zlib, enough for Inspect's `.eval` logs: the writer
 * deflates every entry; the reader takes stored and deflated entries (and zstd ones, which Inspect
 * 0.3.260 writes by default, where the running node has a zstd decoder), found through the
 * central directory so entries written with data descriptors read as well.
 */
import * as zlib from 'node:zlib';
import { OverseerError } from '../errors.ts';

/** One file of a zip archive. */
export interface ZipEntry {
  name: string;
  data: Buffer;
}

const localHeaderSignature = 0x04034b50;
const centralHeaderSignature = 0x02014b50;
const endSignature = 0x06054b50;
const stored = 0;
const deflated = 8;
const zstandard = 93;
/** Bit 11 of the general-purpose flags: the name is UTF-8. */
const utf8Flag = 0x0800;

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let index = 0; index < 256; index += 1) {
    let value = index;
    for (let bit = 0; bit < 8; bit += 1) {
      value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
    }
    table[index] = value >>> 0;
  }
  return table;
})();

/** The CRC-32 of `data`, as zip records it. */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** MS-DOS time and date of `date` (local fields, as zip tools show them). */
function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.max(1980, date.getFullYear());
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/** A zip archive of `entries`, each deflated, stamped with `modified`. */
export function writeZip(entries: readonly ZipEntry[], modified = new Date()): Buffer {
  const { time, date } = dosDateTime(modified);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = zlib.deflateRawSync(entry.data);
    const checksum = crc32(entry.data);
    if (offset > 0xffffffff || entry.data.length > 0xffffffff) {
      throw new OverseerError('export.zip-too-large', 'the log is over 4 GiB, which needs ZIP64', {
        hint: 'export fewer episodes at a time (--experiment, --arm, --iteration)',
      });
    }
    // The local header and the central directory entry share these fields, from `at` on.
    const describe = (header: Buffer, at: number) => {
      header.writeUInt16LE(20, at); // version needed to extract: 2.0 (deflate)
      header.writeUInt16LE(utf8Flag, at + 2);
      header.writeUInt16LE(deflated, at + 4);
      header.writeUInt16LE(time, at + 6);
      header.writeUInt16LE(date, at + 8);
      header.writeUInt32LE(checksum, at + 10);
      header.writeUInt32LE(compressed.length, at + 14);
      header.writeUInt32LE(entry.data.length, at + 18);
      header.writeUInt16LE(name.length, at + 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(localHeaderSignature, 0);
    describe(local, 4);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(centralHeaderSignature, 0);
    central.writeUInt16LE(20, 4); // version made by
    describe(central, 6);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(endSignature, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function notAZip(source: string, why: string): OverseerError {
  return new OverseerError('import.bad-zip', `${source} is not a readable zip archive: ${why}`, {
    hint: 'give an Inspect .eval log (a zip); a .json log can be converted with `inspect log convert --to eval`',
  });
}

/** Decompresses one entry's bytes by its zip method. */
function inflate(method: number, data: Buffer, name: string, source: string): Buffer {
  if (method === stored) return data;
  if (method === deflated) return zlib.inflateRawSync(data);
  const zstd = (zlib as { zstdDecompressSync?: (data: Buffer) => Buffer }).zstdDecompressSync;
  if (method === zstandard && zstd !== undefined) return zstd(data);
  throw new OverseerError(
    'import.zip-method',
    `${source}: entry "${name}" uses compression method ${method}${method === zstandard ? ' (zstd), which this node has no decoder for' : ''}`,
    {
      hint:
        method === zstandard
          ? 'run Overseer on node ≥ 22.15 (zlib zstd), or rewrite the log with deflate in Inspect'
          : 'only stored, deflate and zstd entries are read',
    },
  );
}

/** Every file of the zip archive `archive`, by name; `source` names it in errors. */
export function readZip(archive: Buffer, source = 'the archive'): Map<string, Buffer> {
  // The end record is the last 22 bytes unless a comment follows it (up to 64 KiB).
  let end = -1;
  for (let at = archive.length - 22; at >= Math.max(0, archive.length - 22 - 0xffff); at -= 1) {
    if (archive.readUInt32LE(at) === endSignature) {
      end = at;
      break;
    }
  }
  if (end < 0) throw notAZip(source, 'no end of central directory record');
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  if (count === 0xffff || at === 0xffffffff) throw notAZip(source, 'ZIP64 archives are not read');
  const files = new Map<string, Buffer>();
  for (let index = 0; index < count; index += 1) {
    if (at + 46 > archive.length || archive.readUInt32LE(at) !== centralHeaderSignature) {
      throw notAZip(source, `central directory entry ${index} is damaged`);
    }
    const method = archive.readUInt16LE(at + 10);
    const compressedSize = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const extraLength = archive.readUInt16LE(at + 30);
    const commentLength = archive.readUInt16LE(at + 32);
    const localOffset = archive.readUInt32LE(at + 42);
    const name = archive.toString('utf8', at + 46, at + 46 + nameLength);
    if (archive.readUInt32LE(localOffset) !== localHeaderSignature) {
      throw notAZip(source, `the local header of "${name}" is missing`);
    }
    const dataStart =
      localOffset +
      30 +
      archive.readUInt16LE(localOffset + 26) +
      archive.readUInt16LE(localOffset + 28);
    const data = archive.subarray(dataStart, dataStart + compressedSize);
    files.set(name, inflate(method, data, name, source));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}
