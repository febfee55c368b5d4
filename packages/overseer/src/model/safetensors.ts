/**
 * The safetensors file format (huggingface/safetensors), F32 tensors only: an 8-byte
 * little-endian header length N, N bytes of UTF-8 JSON (`{name: {dtype, shape, data_offsets}}`
 * plus an optional `__metadata__` string map, padded with spaces so the data starts 8-byte
 * aligned), then the tensors' bytes, contiguous and little-endian.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { OverseerError } from '../errors.ts';

/** One named F32 tensor. */
export interface NamedTensor {
  /** Tensor name, e.g. `transformer.wte.weight`. */
  name: string;
  /** Row-major shape; the product must equal `data.length`. */
  shape: number[];
  /** The values. */
  data: Float32Array;
}

/** A decoded safetensors file. */
export interface SafetensorsContents {
  /** Tensors in file (data offset) order. */
  tensors: NamedTensor[];
  /** The `__metadata__` map, or an empty object. */
  metadata: Record<string, string>;
}

/** Bytes per element of every dtype the format defines, so headers of other dtypes parse. */
const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** The reference implementation refuses headers over 100 MB; so do we. */
const MAX_HEADER_BYTES = 100_000_000;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function malformed(source: string, message: string): OverseerError {
  return new OverseerError(
    'safetensors.malformed',
    `${source} is not a valid safetensors file: ${message}`,
    {
      hint: 'the file may be truncated or written by another program; re-create it',
    },
  );
}

/** Encodes tensors (in the given order) and optional metadata into safetensors bytes. */
export function encodeSafetensors(
  tensors: NamedTensor[],
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') {
        throw new OverseerError(
          'safetensors.metadata',
          `safetensors metadata values must be strings; ${key} is ${typeof value}`,
        );
      }
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const tensor of tensors) {
    if (tensor.name === '__metadata__' || tensor.name in header) {
      throw new OverseerError(
        'safetensors.duplicate-name',
        `tensor name ${JSON.stringify(tensor.name)} is used twice or reserved`,
      );
    }
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (!tensor.shape.every((d) => Number.isInteger(d) && d >= 0) || count !== tensor.data.length) {
      throw new OverseerError(
        'safetensors.shape',
        `tensor ${tensor.name} has shape [${tensor.shape.join(', ')}] but ${tensor.data.length} values`,
      );
    }
    header[tensor.name] = {
      dtype: 'F32',
      shape: tensor.shape,
      data_offsets: [offset, offset + 4 * count],
    };
    offset += 4 * count;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padding = (8 - (json.length % 8)) % 8;
  const headerLength = json.length + padding;
  const bytes = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  bytes.set(json, 8);
  bytes.fill(0x20, 8 + json.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const tensor of tensors) {
    writeFloats(view, bytes, position, tensor.data);
    position += 4 * tensor.data.length;
  }
  return bytes;
}

/** Decodes safetensors bytes, checking the header against the data; `source` names the file in errors. */
export function decodeSafetensors(bytes: Uint8Array, source = 'the input'): SafetensorsContents {
  if (bytes.length < 8)
    throw malformed(source, `it has ${bytes.length} bytes, fewer than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    throw malformed(
      source,
      `its header length ${declared} exceeds the ${MAX_HEADER_BYTES}-byte limit`,
    );
  }
  const headerLength = Number(declared);
  if (8 + headerLength > bytes.length) {
    throw malformed(
      source,
      `its header length ${headerLength} runs past the end of the ${bytes.length}-byte file`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    throw malformed(source, 'its header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw malformed(source, 'its header does not start with "{"');
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    throw malformed(source, `its header is not valid JSON (${(error as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw malformed(source, 'its header is not a JSON object');
  }

  const metadata: Record<string, string> = {};
  const entries: Array<{
    name: string;
    shape: number[];
    begin: number;
    end: number;
    dtype: string;
  }> = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw malformed(source, '__metadata__ is not an object of strings');
      }
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        if (typeof item !== 'string')
          throw malformed(source, `__metadata__.${key} is not a string`);
        metadata[key] = item;
      }
      continue;
    }
    const info = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (info === null || typeof info !== 'object')
      throw malformed(source, `entry ${name} is not an object`);
    const { dtype, shape, data_offsets: offsets } = info;
    if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) {
      throw malformed(source, `tensor ${name} has unknown dtype ${JSON.stringify(dtype)}`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw malformed(
        source,
        `tensor ${name} has a shape that is not a list of non-negative integers`,
      );
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      throw malformed(
        source,
        `tensor ${name} has data_offsets that are not [begin, end] with begin ≤ end`,
      );
    }
    const expected = (shape as number[]).reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype];
    if (offsets[1] - offsets[0] !== expected) {
      throw malformed(
        source,
        `tensor ${name} of shape [${shape.join(', ')}] and dtype ${dtype} needs ${expected} bytes but its data_offsets span ${offsets[1] - offsets[0]}`,
      );
    }
    entries.push({ name, shape: shape as number[], begin: offsets[0], end: offsets[1], dtype });
  }

  // The format requires the tensors to tile the data buffer exactly: no gaps, overlaps or tail.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  let expectedBegin = 0;
  for (const entry of entries) {
    if (entry.begin !== expectedBegin) {
      throw malformed(
        source,
        `tensor ${entry.name} starts at byte ${entry.begin} of the data, expected ${expectedBegin} (gap or overlap)`,
      );
    }
    expectedBegin = entry.end;
  }
  if (expectedBegin !== dataLength) {
    throw malformed(
      source,
      `the tensors cover ${expectedBegin} data bytes but the file holds ${dataLength}`,
    );
  }

  const tensors: NamedTensor[] = [];
  for (const entry of entries) {
    if (entry.dtype !== 'F32') {
      throw new OverseerError(
        'safetensors.dtype',
        `${source}: tensor ${entry.name} has dtype ${entry.dtype}; Overseer reads only F32 tensors`,
        { hint: 'convert the checkpoint to float32' },
      );
    }
    tensors.push({
      name: entry.name,
      shape: entry.shape,
      data: readFloats(view, bytes, dataStart + entry.begin, (entry.end - entry.begin) / 4),
    });
  }
  return { tensors, metadata };
}

/** Writes a safetensors file atomically (a temporary file in the same folder, then a rename). */
export async function writeSafetensors(
  path: string,
  tensors: NamedTensor[],
  metadata: Record<string, string> = {},
): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temporary, encodeSafetensors(tensors, metadata));
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Reads and validates a safetensors file. */
export async function readSafetensors(path: string): Promise<SafetensorsContents> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new OverseerError(
      'safetensors.read',
      `cannot read ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return decodeSafetensors(bytes, path);
}

/** Finds a tensor by name or throws an error naming the file and what it holds. */
export function requireTensor(
  contents: SafetensorsContents,
  name: string,
  source: string,
): NamedTensor {
  const tensor = contents.tensors.find((t) => t.name === name);
  if (!tensor) {
    throw new OverseerError('safetensors.missing-tensor', `${source} has no tensor named ${name}`, {
      hint: `it holds ${contents.tensors.length} tensors${contents.tensors.length ? `, e.g. ${contents.tensors[0].name}` : ''}`,
    });
  }
  return tensor;
}

function writeFloats(
  view: DataView,
  bytes: Uint8Array,
  position: number,
  data: Float32Array,
): void {
  if (LITTLE_ENDIAN) {
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    return;
  }
  for (let i = 0; i < data.length; i++) view.setFloat32(position + 4 * i, data[i], true);
}

function readFloats(
  view: DataView,
  bytes: Uint8Array,
  position: number,
  count: number,
): Float32Array {
  const out = new Float32Array(count);
  if (LITTLE_ENDIAN) {
    // Copy bytes rather than view them: the file buffer's offset need not be 4-byte aligned.
    new Uint8Array(out.buffer).set(bytes.subarray(position, position + 4 * count));
    return out;
  }
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(position + 4 * i, true);
  return out;
}
