import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  requireTensor,
  writeSafetensors,
} from './safetensors.ts';

/** A file built byte by byte from the format description, independent of our encoder. */
function fixture(): Uint8Array {
  const header =
    '{"__metadata__":{"format":"pt"},' +
    '"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
    '"b":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]}}';
  expect(header.length).toBe(141);
  return Uint8Array.from([
    // Header length 144 = 141 bytes of JSON + 3 spaces of padding, as a little-endian u64.
    144,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    ...Buffer.from(header + '   ', 'utf8'),
    // a = [1.5, -2], b = [[0.25]], little-endian IEEE 754 single precision.
    0x00,
    0x00,
    0xc0,
    0x3f,
    0x00,
    0x00,
    0x00,
    0xc0,
    0x00,
    0x00,
    0x80,
    0x3e,
  ]);
}

function withHeader(header: string, data: number[] = []): Uint8Array {
  const json = Buffer.from(header, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Uint8Array.from([...length, ...json, ...data]);
}

describe('safetensors', () => {
  const folders: string[] = [];
  afterAll(async () => {
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  it('decodes a hand-built file', () => {
    const { tensors, metadata } = decodeSafetensors(fixture());
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors.map((t) => [t.name, t.shape, Array.from(t.data)])).toEqual([
      ['a', [2], [1.5, -2]],
      ['b', [1, 1], [0.25]],
    ]);
  });

  it('encodes the hand-built file byte for byte', () => {
    const bytes = encodeSafetensors(
      [
        { name: 'a', shape: [2], data: Float32Array.from([1.5, -2]) },
        { name: 'b', shape: [1, 1], data: Float32Array.from([0.25]) },
      ],
      { format: 'pt' },
    );
    expect(Buffer.from(bytes).equals(Buffer.from(fixture()))).toBe(true);
  });

  it('pads the header with spaces to an 8-byte boundary', () => {
    for (const name of ['x', 'xy', 'xyz', 'long-name-for-a-tensor']) {
      const bytes = encodeSafetensors([{ name, shape: [], data: Float32Array.from([3]) }]);
      const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      expect(headerLength % 8).toBe(0);
      expect(bytes[8 + headerLength - 1] === 0x20 || bytes[8 + headerLength - 1] === 0x7d).toBe(
        true,
      );
      expect(decodeSafetensors(bytes).tensors[0].data[0]).toBe(3);
    }
  });

  it('round-trips through a file, bit-exact, including empty tensors and an unaligned buffer', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'overseer-safetensors-'));
    folders.push(folder);
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1e-3 + i);
    values[3] = -0;
    values[4] = Number.MIN_VALUE;
    const tensors = [
      { name: 'matrix', shape: [10, 100], data: values },
      { name: 'empty', shape: [0, 4], data: new Float32Array(0) },
      { name: 'scalar', shape: [], data: Float32Array.from([Math.PI]) },
    ];
    const path = join(folder, 'model.safetensors');
    await writeSafetensors(path, tensors, { step: '12' });
    expect(await readdir(folder)).toEqual(['model.safetensors']);
    const contents = await readSafetensors(path);
    expect(contents.metadata).toEqual({ step: '12' });
    const matrix = requireTensor(contents, 'matrix', path);
    expect(matrix.shape).toEqual([10, 100]);
    expect(Buffer.from(matrix.data.buffer).equals(Buffer.from(values.buffer))).toBe(true);
    expect(requireTensor(contents, 'empty', path).shape).toEqual([0, 4]);
    expect(requireTensor(contents, 'scalar', path).data[0]).toBe(Math.fround(Math.PI));
    expect(() => requireTensor(contents, 'missing', path)).toThrow(/no tensor named missing/);

    // Decoding must not assume the bytes start 4-byte aligned in their buffer.
    const file = await readFile(path);
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    expect(decodeSafetensors(shifted.subarray(1)).tensors[0].data[999]).toBe(values[999]);
  });

  it('rejects malformed files with errors that say what is wrong', () => {
    const cases: Array<[Uint8Array, RegExp]> = [
      [Uint8Array.from([1, 2, 3]), /fewer than the 8-byte header length/],
      [withHeader('{}').subarray(0, 9), /runs past the end/],
      [Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 1, 0x7b]), /exceeds the 100000000-byte limit/],
      [withHeader('[1,2]'), /does not start with "\{"/],
      [withHeader('{"a":'), /not valid JSON/],
      [
        withHeader('{"a":{"dtype":"F99","shape":[1],"data_offsets":[0,4]}}', [0, 0, 0, 0]),
        /unknown dtype "F99"/,
      ],
      [
        withHeader('{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', [0, 0, 0, 0]),
        /shape/,
      ],
      [
        withHeader('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}', [0, 0, 0, 0]),
        /begin ≤ end/,
      ],
      [
        withHeader('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', [0, 0, 0, 0]),
        /needs 8 bytes/,
      ],
      [
        withHeader(
          '{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
          [0, 0, 0, 0, 0, 0, 0, 0],
        ),
        /expected 0 \(gap or overlap\)/,
      ],
      [
        withHeader('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', [0, 0, 0, 0, 9]),
        /cover 4 data bytes but the file holds 5/,
      ],
      [withHeader('{"__metadata__":{"a":1}}'), /__metadata__.a is not a string/],
      [
        withHeader('{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}', [0, 0, 0, 0]),
        /reads only F32/,
      ],
    ];
    for (const [bytes, message] of cases) {
      expect(() => decodeSafetensors(bytes, 'x.safetensors')).toThrow(message);
    }
    const invalidUtf8 = withHeader('{"a":1}');
    invalidUtf8[10] = 0xff;
    expect(() => decodeSafetensors(invalidUtf8)).toThrow(/not valid UTF-8/);
  });

  it('refuses to encode inconsistent tensors', () => {
    expect(() => encodeSafetensors([{ name: 'a', shape: [3], data: new Float32Array(2) }])).toThrow(
      /shape \[3\] but 2 values/,
    );
    const a = { name: 'a', shape: [1], data: new Float32Array(1) };
    expect(() => encodeSafetensors([a, a])).toThrow(/used twice/);
    expect(() => encodeSafetensors([a], { step: 3 as unknown as string })).toThrow(
      /must be strings/,
    );
  });

  it('reports a missing file by path', async () => {
    await expect(readSafetensors('/nonexistent/model.safetensors')).rejects.toThrow(
      /cannot read \/nonexistent\/model.safetensors/,
    );
  });

  it('writes atomically: a failed write leaves no temporary file', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'overseer-safetensors-'));
    folders.push(folder);
    await writeFile(join(folder, 'keep.safetensors'), 'old');
    await expect(
      writeSafetensors(join(folder, 'keep.safetensors'), [
        { name: 'a', shape: [2], data: new Float32Array(1) },
      ]),
    ).rejects.toThrow(/shape/);
    expect(await readdir(folder)).toEqual(['keep.safetensors']);
    expect(await readFile(join(folder, 'keep.safetensors'), 'utf8')).toBe('old');
  });
});
