/*
 * Decoding with a KV cache: a prefill runs the prompts through the whole model once (model.c's
 * last-logits forward) and keeps every layer's keys and values; each decoding step then takes one
 * new position per row through every layer, attending to the kept keys and values.
 *
 * Everything a step needs lives in the caller's cache buffer, so a step allocates nothing: the
 * keys and values, the weights packed once per prefill into the GEMM's panel layout (a step's
 * matmuls are (rows × width)·(width × k): packing the weights at every step would cost as much as
 * the multiplication), and per-row scratch activations. A step is one parallel region: the rows
 * are cut into parts, and each part runs the whole network for its rows on one thread, so there
 * is no synchronisation between layers.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernels.h"
#include "vector-math.h"

/* Rows per part are multiples of this: the GEMM has 12-, 8- and 4-row micro-kernels. */
#define DECODE_ROW_ALIGN 4
/* Parts per thread in a step: more parts, less waiting for a descheduled thread. */
#define DECODE_PARTS_PER_THREAD 1

static size_t round16(size_t n) { return (n + 15) & ~(size_t)15; }

/* The cache buffer, carved up. Keys are kept transposed per head, so scores vectorise by key. */
typedef struct {
  int Tp;              /* contextLength rounded up to 16 (keys' row length) */
  float **keys;        /* per layer: (batch, heads, headSize, Tp) */
  float **values;      /* per layer: (batch, heads, T, headSize) */
  float **qkv_packed;  /* per layer: c_attn weight as packed B (C × 3C) */
  float **proj_packed; /* per layer: attn c_proj (C × C) */
  float **fc_packed;   /* per layer: mlp c_fc (C × 4C) */
  float **fcproj_packed; /* per layer: mlp c_proj (4C × C) */
  float *head_packed;  /* wteᵀ (C × V) */
  /* Step scratch, one row per decoded row: */
  float *x;      /* (batch, C) residual stream */
  float *ln;     /* (batch, C) LayerNorm output */
  float *qkv;    /* (batch, 3C) */
  float *atty;   /* (batch, C) attention output */
  float *fch;    /* (batch, 4C) MLP pre-activation */
  float *gelu;   /* (batch, 4C) */
  float *scores; /* (batch, Tp) */
} cache_view;

/* Per-layer pointer arrays live in the view's own storage (layers ≤ this). */
#define MAX_LAYERS 256

typedef struct {
  cache_view v;
  float *pointers[6][MAX_LAYERS];
} cache_storage;

/* Lays out the cache for `batch` rows from `base` (NULL: just count); returns its floats. */
static size_t layout_cache(const gpt_shape *s, int batch, float *base, cache_storage *out) {
  const size_t C = (size_t)s->width, B = (size_t)batch, T = (size_t)s->context;
  const size_t Tp = round16(T);
  size_t at = 0;
  cache_view *v = out ? &out->v : NULL;
  if (v) {
    v->Tp = (int)Tp;
    v->keys = out->pointers[0], v->values = out->pointers[1];
    v->qkv_packed = out->pointers[2], v->proj_packed = out->pointers[3];
    v->fc_packed = out->pointers[4], v->fcproj_packed = out->pointers[5];
  }
#define TAKE(target, n)                    \
  do {                                     \
    if (base && v) target = base + at;     \
    at += round16(n);                      \
  } while (0)
  for (int l = 0; l < s->layers; l++) {
    TAKE(v->keys[l], B * C * Tp);
    TAKE(v->values[l], B * C * T);
    TAKE(v->qkv_packed[l], sgemm_packed_b_floats((int)C, 3 * (int)C));
    TAKE(v->proj_packed[l], sgemm_packed_b_floats((int)C, (int)C));
    TAKE(v->fc_packed[l], sgemm_packed_b_floats((int)C, 4 * (int)C));
    TAKE(v->fcproj_packed[l], sgemm_packed_b_floats(4 * (int)C, (int)C));
  }
  TAKE(v->head_packed, sgemm_packed_b_floats((int)C, s->vocab));
  TAKE(v->x, B * C);
  TAKE(v->ln, B * C);
  TAKE(v->qkv, B * 3 * C);
  TAKE(v->atty, B * C);
  TAKE(v->fch, B * 4 * C);
  TAKE(v->gelu, B * 4 * C);
  TAKE(v->scores, B * Tp);
#undef TAKE
  return at;
}

/* The 64-byte-aligned start of a caller's buffer (the packed panels are read with aligned loads). */
static float *aligned_base(float *cache) {
  return (float *)(((uintptr_t)cache + 63) & ~(uintptr_t)63);
}

size_t gpt_kv_cache_floats(const gpt_shape *s, int batch) {
  if (s->layers > MAX_LAYERS) return 0;
  return layout_cache(s, batch, NULL, NULL) + 16; /* + 16: room to align the start */
}

/* Keeps the key and value of (row, position) of one layer: q|k|v is one row of 3C floats. */
static void keep_position(const cache_view *v, const gpt_shape *s, int l, int row, int position,
                          const float *qkv) {
  const int C = s->width, H = s->heads, hs = C / H, T = s->context, Tp = v->Tp;
  float *keys = v->keys[l] + (size_t)row * C * Tp;
  float *values = v->values[l] + (size_t)row * C * T;
  for (int h = 0; h < H; h++) {
    const float *k = qkv + C + h * hs;
    float *kt = keys + (size_t)h * hs * Tp + position;
    for (int d = 0; d < hs; d++) kt[(size_t)d * Tp] = k[d];
    memcpy(values + ((size_t)h * T + position) * hs, qkv + 2 * C + h * hs,
           (size_t)hs * sizeof(float));
  }
}

typedef struct {
  const gpt_shape *s;
  const cache_view *v;
  const int32_t *lengths;
} prefill_job;

static void keep_layer(void *context, int l, const float *qkv, int B, int T) {
  prefill_job *j = context;
  const size_t C = (size_t)j->s->width;
  for (int b = 0; b < B; b++)
    for (int t = 0; t < j->lengths[b]; t++)
      keep_position(j->v, j->s, l, b, t, qkv + ((size_t)b * T + t) * 3 * C);
}

int gpt_prefill(const gpt_shape *s, const float *params_in, float *cache, int cache_batch,
                const int32_t *inputs, int batch, int time, const int32_t *lengths, float *out) {
  float *params = (float *)params_in;
  cache_storage storage;
  layout_cache(s, cache_batch, aligned_base(cache), &storage);
  const cache_view *v = &storage.v;
  const int C = s->width;
  /* torch.nn.Linear weights are (out, in): B(k, j) = W[j·in + k]. */
  for (int l = 0; l < s->layers; l++) {
    layer_params p;
    gpt_view_layer(s, params, l, &p);
    sgemm_pack_b(C, 3 * C, p.qkvw, 1, C, v->qkv_packed[l]);
    sgemm_pack_b(C, C, p.projw, 1, C, v->proj_packed[l]);
    sgemm_pack_b(C, 4 * C, p.fcw, 1, C, v->fc_packed[l]);
    sgemm_pack_b(4 * C, C, p.fcprojw, 1, 4 * C, v->fcproj_packed[l]);
  }
  model_params mp;
  gpt_view_model(s, params, &mp);
  sgemm_pack_b(C, s->vocab, mp.wte, 1, C, v->head_packed);
  prefill_job job = {s, v, lengths};
  return gpt_last_logits(s, params, inputs, batch, time, lengths, out, keep_layer, &job);
}

/*
 * Attention of one new position over the cached ones, all heads: y (C) from the row's q|k|v,
 * after keeping its key and value. Mirrors model.c's forward: scores scaled by 1/√hs, the max
 * subtracted, exp, then Σ_s (e_s / Σ e)·v_s.
 */
static void attend(const cache_view *v, const gpt_shape *s, int l, int row, int position,
                   const float *qkv, float *scores, float *y) {
  const int C = s->width, H = s->heads, hs = C / H, T = s->context, Tp = v->Tp;
  const float scale = 1.0f / sqrtf((float)hs);
  keep_position(v, s, l, row, position, qkv);
  const int count = position + 1;
  for (int h = 0; h < H; h++) {
    const float *q = qkv + h * hs;
    const float *kt = v->keys[l] + ((size_t)row * C + (size_t)h * hs) * Tp;
    const float *vs = v->values[l] + ((size_t)row * C * T + (size_t)h * T * hs);
    /* Scores of 16 keys per vector, two blocks at a time (the padded key rows allow it), each
     * summed over the head in 4 interleaved chains: 8 independent FMA chains hide the latency. */
    for (int s0 = 0; s0 < count; s0 += 32) {
      const int pair = s0 + 32 <= Tp;
      v16f a[4] = {{0}}, b[4] = {{0}};
      int d = 0;
      for (; d + 4 <= hs; d += 4) {
#pragma GCC unroll 4
        for (int c = 0; c < 4; c++) {
          const float *k = kt + (size_t)(d + c) * Tp + s0;
          a[c] += q[d + c] * v16_load(k);
          if (pair) b[c] += q[d + c] * v16_load(k + 16);
        }
      }
      for (; d < hs; d++) {
        a[0] += q[d] * v16_load(kt + (size_t)d * Tp + s0);
        if (pair) b[0] += q[d] * v16_load(kt + (size_t)d * Tp + s0 + 16);
      }
      v16_store(scores + s0, ((a[0] + a[1]) + (a[2] + a[3])) * scale);
      if (pair) v16_store(scores + s0 + 16, ((b[0] + b[1]) + (b[2] + b[3])) * scale);
    }
    const float max = max_floats(scores, count);
    for (int t = 0; t < count; t++) scores[t] -= max;
    exp_inplace(scores, count);
    const float inverse = 1.0f / sum_floats(scores, count);
    for (int t = 0; t < count; t++) scores[t] *= inverse;
    float *yh = y + h * hs;
    int d0 = 0;
    /* Σ_t p_t·v_t in 4 interleaved chains over t. */
    for (; d0 + 16 <= hs; d0 += 16) {
      v16f acc[4] = {{0}};
      int t = 0;
      for (; t + 4 <= count; t += 4) {
#pragma GCC unroll 4
        for (int c = 0; c < 4; c++) acc[c] += scores[t + c] * v16_load(vs + (size_t)(t + c) * hs + d0);
      }
      for (; t < count; t++) acc[0] += scores[t] * v16_load(vs + (size_t)t * hs + d0);
      v16_store(yh + d0, (acc[0] + acc[1]) + (acc[2] + acc[3]));
    }
    for (int d = d0; d < hs; d++) {
      float acc = 0.0f;
      for (int t = 0; t < count; t++) acc += scores[t] * vs[(size_t)t * hs + d];
      yh[d] = acc;
    }
  }
}

/* C (m × N, row stride N) = A (m × K, row stride K) · packed B + bias (+ C when `residual`). */
static void packed_matmul(float *c, const float *a, const float *packed, const float *bias,
                          int residual, gemm_epilogue epilogue, float *out2, int m, int K, int N) {
  gemm_args g = {m,    N,        K,        a,    K,    1,    NULL, 0,   0, c, N, 0, bias,
                 residual ? c : NULL, epilogue, NULL, out2, NULL, packed};
  sgemm(&g);
}

typedef struct {
  const gpt_shape *s;
  float *params;
  const cache_view *v;
  int n;
  const int32_t *rows, *positions, *tokens;
  float *out;
} decode_job;

/* Rows [begin, end) of the step through the whole network, on the calling thread. */
static void decode_task(void *context, int part, int parts) {
  decode_job *j = context;
  int begin, end;
  pool_split(j->n, parts, part, DECODE_ROW_ALIGN, &begin, &end);
  if (begin >= end) return;
  const gpt_shape *s = j->s;
  const cache_view *v = j->v;
  const int C = s->width, m = end - begin, Tp = v->Tp;
  float *x = v->x + (size_t)begin * C, *ln = v->ln + (size_t)begin * C;
  float *qkv = v->qkv + (size_t)begin * 3 * C, *atty = v->atty + (size_t)begin * C;
  float *fch = v->fch + (size_t)begin * 4 * C, *gelu = v->gelu + (size_t)begin * 4 * C;
  model_params mp;
  gpt_view_model(s, j->params, &mp);
  for (int i = 0; i < m; i++) {
    const float *token = mp.wte + (size_t)j->tokens[begin + i] * C;
    const float *position = mp.wpe + (size_t)j->positions[begin + i] * C;
    for (int c = 0; c < C; c++) x[(size_t)i * C + c] = token[c] + position[c];
  }
  for (int l = 0; l < s->layers; l++) {
    layer_params p;
    gpt_view_layer(s, j->params, l, &p);
    layernorm_serial(ln, x, p.ln1w, p.ln1b, m, C);
    packed_matmul(qkv, ln, v->qkv_packed[l], p.qkvb, 0, EPILOGUE_NONE, NULL, m, C, 3 * C);
    for (int i = 0; i < m; i++)
      attend(v, s, l, j->rows[begin + i], j->positions[begin + i], qkv + (size_t)i * 3 * C,
             v->scores + (size_t)(begin + i) * Tp, atty + (size_t)i * C);
    packed_matmul(x, atty, v->proj_packed[l], p.projb, 1, EPILOGUE_NONE, NULL, m, C, C);
    layernorm_serial(ln, x, p.ln2w, p.ln2b, m, C);
    packed_matmul(fch, ln, v->fc_packed[l], p.fcb, 0, EPILOGUE_GELU, gelu, m, C, 4 * C);
    packed_matmul(x, gelu, v->fcproj_packed[l], p.fcprojb, 1, EPILOGUE_NONE, NULL, m, 4 * C, C);
  }
  layernorm_serial(ln, x, mp.lnfw, mp.lnfb, m, C);
  packed_matmul(j->out + (size_t)begin * s->vocab, ln, v->head_packed, NULL, 0, EPILOGUE_NONE,
                NULL, m, C, s->vocab);
}

int gpt_decode(const gpt_shape *s, const float *params, float *cache, int cache_batch, int n,
               const int32_t *rows, const int32_t *positions, const int32_t *tokens, float *out) {
  cache_storage storage;
  layout_cache(s, cache_batch, aligned_base(cache), &storage);
  decode_job job = {s, (float *)params, &storage.v, n, rows, positions, tokens, out};
  int parts = pool_threads() * DECODE_PARTS_PER_THREAD;
  const int units = (n + DECODE_ROW_ALIGN - 1) / DECODE_ROW_ALIGN;
  parts = parts < units ? parts : units;
  pool_run_parts(decode_task, &job, parts > 1 ? parts : 1);
  return 1;
}
