/**
 * Writes an embedded GPT as a GGUF v3 file that llama.cpp reads as a `gpt2` model: f32 weights
 * under llama.cpp's tensor names, the output head tied to the token embedding (written out as
 * `output.weight`), and a byte-level BPE (`gpt2`) tokenizer whose tokens are the model's single
 * characters with no merges, `<end>` as both BOS and EOS. So the `gguf:` backend can be tested
 * offline against a model whose numbers we know, and a trained checkpoint can be served by
 * llama.cpp's server or Ollama.
 */
import { writeFile } from 'node:fs/promises';
import { OverseerError } from '../errors.ts';
import type { Gpt } from '../model/gpt.ts';
import { LAYER_NORM_EPSILON, parameterLayout } from '../model/kernels.ts';

const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
const GGUF_VERSION = 3;
const ALIGNMENT = 32;

/** GGUF metadata value types. */
const TYPE = { uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9 } as const;

type Value =
  | { type: 'uint32' | 'int32' | 'float32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'array'; of: 'string'; value: string[] }
  | { type: 'array'; of: 'int32'; value: number[] };

/** A growing little-endian byte buffer. */
class Bytes {
  private chunks: Buffer[] = [];
  length = 0;
  push(buffer: Buffer): void {
    this.chunks.push(buffer);
    this.length += buffer.length;
  }
  u32(value: number): void {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32LE(value);
    this.push(buffer);
  }
  i32(value: number): void {
    const buffer = Buffer.alloc(4);
    buffer.writeInt32LE(value);
    this.push(buffer);
  }
  u64(value: number): void {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64LE(BigInt(value));
    this.push(buffer);
  }
  f32(value: number): void {
    const buffer = Buffer.alloc(4);
    buffer.writeFloatLE(value);
    this.push(buffer);
  }
  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }
  pad(): void {
    const rest = this.length % ALIGNMENT;
    if (rest !== 0) this.push(Buffer.alloc(ALIGNMENT - rest));
  }
  concat(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** GPT-2's byte-to-unicode table: printable bytes stand for themselves, the rest move up to 256+. */
function byteToUnicode(): string[] {
  const table: string[] = new Array(256);
  const printable = (byte: number) =>
    (byte >= 0x21 && byte <= 0x7e) ||
    (byte >= 0xa1 && byte <= 0xac) ||
    (byte >= 0xae && byte <= 0xff);
  let next = 0;
  for (let byte = 0; byte < 256; byte++) {
    table[byte] = String.fromCodePoint(printable(byte) ? byte : 256 + next++);
  }
  return table;
}

/** The tensors llama.cpp's gpt2 loader expects, from the model's GPT-2-named parameters. */
function ggufTensors(model: Gpt): Array<{ name: string; dims: number[]; data: Float32Array }> {
  const slots = new Map(parameterLayout(model.shape).map((slot) => [slot.name, slot]));
  const take = (name: string) => {
    const slot = slots.get(name);
    if (slot === undefined)
      throw new OverseerError('gguf.layout', `the model has no tensor ${name}`);
    // PyTorch (out, in) row-major is ggml's ne = [in, out]: the data is copied as is.
    return {
      dims: [...slot.shape].reverse(),
      data: model.params.subarray(slot.offset, slot.offset + slot.size),
    };
  };
  const tensors = [
    { name: 'token_embd.weight', ...take('transformer.wte.weight') },
    { name: 'position_embd.weight', ...take('transformer.wpe.weight') },
  ];
  for (let layer = 0; layer < model.config.layers; layer++) {
    const from = `transformer.h.${layer}`;
    const to = `blk.${layer}`;
    tensors.push(
      { name: `${to}.attn_norm.weight`, ...take(`${from}.ln_1.weight`) },
      { name: `${to}.attn_norm.bias`, ...take(`${from}.ln_1.bias`) },
      { name: `${to}.attn_qkv.weight`, ...take(`${from}.attn.c_attn.weight`) },
      { name: `${to}.attn_qkv.bias`, ...take(`${from}.attn.c_attn.bias`) },
      { name: `${to}.attn_output.weight`, ...take(`${from}.attn.c_proj.weight`) },
      { name: `${to}.attn_output.bias`, ...take(`${from}.attn.c_proj.bias`) },
      { name: `${to}.ffn_norm.weight`, ...take(`${from}.ln_2.weight`) },
      { name: `${to}.ffn_norm.bias`, ...take(`${from}.ln_2.bias`) },
      { name: `${to}.ffn_up.weight`, ...take(`${from}.mlp.c_fc.weight`) },
      { name: `${to}.ffn_up.bias`, ...take(`${from}.mlp.c_fc.bias`) },
      { name: `${to}.ffn_down.weight`, ...take(`${from}.mlp.c_proj.weight`) },
      { name: `${to}.ffn_down.bias`, ...take(`${from}.mlp.c_proj.bias`) },
    );
  }
  tensors.push(
    { name: 'output_norm.weight', ...take('transformer.ln_f.weight') },
    { name: 'output_norm.bias', ...take('transformer.ln_f.bias') },
    // The embedded model ties its output head to the token embedding.
    { name: 'output.weight', ...take('transformer.wte.weight') },
  );
  return tensors;
}

/** Writes `model` to `path` as GGUF (`name` goes into general.name). */
export async function writeGguf(
  model: Gpt,
  path: string,
  name = 'overseer-embedded',
): Promise<void> {
  const unicode = byteToUnicode();
  const alphabet = Array.from(model.tokenizer.alphabet);
  const tokens = ['<pad>', '<end>'];
  for (const character of alphabet) {
    const bytes = Buffer.from(character, 'utf8');
    if (bytes.length !== 1) {
      throw new OverseerError(
        'gguf.alphabet',
        `character ${JSON.stringify(character)} is not one byte; the GGUF tokenizer written here has single-byte tokens only`,
      );
    }
    tokens.push(unicode[bytes[0]]);
  }
  const { contextLength, width, layers, heads } = model.config;
  const metadata: Array<[string, Value]> = [
    ['general.architecture', { type: 'string', value: 'gpt2' }],
    ['general.name', { type: 'string', value: name }],
    ['general.alignment', { type: 'uint32', value: ALIGNMENT }],
    ['general.file_type', { type: 'uint32', value: 0 }],
    ['gpt2.context_length', { type: 'uint32', value: contextLength }],
    ['gpt2.embedding_length', { type: 'uint32', value: width }],
    ['gpt2.feed_forward_length', { type: 'uint32', value: 4 * width }],
    ['gpt2.block_count', { type: 'uint32', value: layers }],
    ['gpt2.attention.head_count', { type: 'uint32', value: heads }],
    ['gpt2.attention.layer_norm_epsilon', { type: 'float32', value: LAYER_NORM_EPSILON }],
    ['tokenizer.ggml.model', { type: 'string', value: 'gpt2' }],
    ['tokenizer.ggml.tokens', { type: 'array', of: 'string', value: tokens }],
    // 3 = control (the two specials), 1 = normal.
    [
      'tokenizer.ggml.token_type',
      { type: 'array', of: 'int32', value: tokens.map((_, id) => (id < 2 ? 3 : 1)) },
    ],
    ['tokenizer.ggml.merges', { type: 'array', of: 'string', value: [] }],
    ['tokenizer.ggml.bos_token_id', { type: 'uint32', value: model.tokenizer.endId }],
    ['tokenizer.ggml.eos_token_id', { type: 'uint32', value: model.tokenizer.endId }],
    ['tokenizer.ggml.padding_token_id', { type: 'uint32', value: model.tokenizer.paddingId }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
  ];
  const tensors = ggufTensors(model);

  const header = new Bytes();
  header.u32(GGUF_MAGIC);
  header.u32(GGUF_VERSION);
  header.u64(tensors.length);
  header.u64(metadata.length);
  for (const [key, value] of metadata) {
    header.string(key);
    if (value.type === 'array') {
      header.u32(TYPE.array);
      header.u32(value.of === 'string' ? TYPE.string : TYPE.int32);
      header.u64(value.value.length);
      for (const item of value.value) {
        if (value.of === 'string') header.string(item as string);
        else header.i32(item as number);
      }
      continue;
    }
    header.u32(TYPE[value.type]);
    if (value.type === 'string') header.string(value.value);
    else if (value.type === 'bool') header.push(Buffer.from([value.value ? 1 : 0]));
    else if (value.type === 'float32') header.f32(value.value);
    else if (value.type === 'int32') header.i32(value.value);
    else header.u32(value.value);
  }
  let offset = 0;
  for (const tensor of tensors) {
    header.string(tensor.name);
    header.u32(tensor.dims.length);
    for (const dimension of tensor.dims) header.u64(dimension);
    header.u32(0); // GGML_TYPE_F32
    header.u64(offset);
    offset += Math.ceil((tensor.data.length * 4) / ALIGNMENT) * ALIGNMENT;
  }
  header.pad();
  for (const tensor of tensors) {
    header.push(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    header.pad();
  }
  await writeFile(path, header.concat());
}
