/*
 * The embedded GPT, forward and backward, in the style of llm.c's train_gpt2.c: activations live
 * in one arena per model shape (grown on demand and reused across calls), every op is a plain
 * loop over rows split between the pool's threads, and the matmuls go through the blocked SGEMM.
 * All arithmetic is float32 (as PyTorch's); the loss is summed in double.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "vector-math.h"

#define LAYER_NORM_EPSILON 1e-5f
#define CACHE_SLOTS 4
/* Parts per thread in a parallel region: more parts, less waiting for a descheduled thread. */
#define PARTS_PER_THREAD 4

/* ---------------------------------------------------------------- parameters */

static size_t layer_floats(size_t C) { return 12 * C * C + 13 * C; }

/* Views a flat buffer (params or grads) in parameterLayout order. */
void gpt_view_model(const gpt_shape *s, float *base, model_params *p) {
  size_t C = (size_t)s->width;
  p->wte = base;
  p->wpe = base + (size_t)s->vocab * C;
  float *end = p->wpe + (size_t)s->context * C + (size_t)s->layers * layer_floats(C);
  p->lnfw = end;
  p->lnfb = end + C;
}

void gpt_view_layer(const gpt_shape *s, float *base, int l, layer_params *p) {
  size_t C = (size_t)s->width;
  float *q = base + (size_t)(s->vocab + s->context) * C + (size_t)l * layer_floats(C);
  p->ln1w = q, q += C;
  p->ln1b = q, q += C;
  p->qkvw = q, q += 3 * C * C;
  p->qkvb = q, q += 3 * C;
  p->projw = q, q += C * C;
  p->projb = q, q += C;
  p->ln2w = q, q += C;
  p->ln2b = q, q += C;
  p->fcw = q, q += 4 * C * C;
  p->fcb = q, q += 4 * C;
  p->fcprojw = q, q += 4 * C * C;
  p->fcprojb = q;
}

/* ---------------------------------------------------------------- activations */

typedef struct {
  float *ln1, *ln1_mean, *ln1_rstd; /* (N, C), (N), (N) */
  float *qkv;                       /* (N, 3C) */
  float *att;                       /* (B, H, T, T) softmax probabilities */
  float *atty;                      /* (N, C) attention output, heads re-assembled */
  float *resid2;                    /* (N, C) */
  float *ln2, *ln2_mean, *ln2_rstd; /* (N, C), (N), (N) */
  float *fch, *fch_gelu;            /* (N, 4C) */
  float *resid3;                    /* (N, C) */
} layer_acts;

typedef struct {
  int B, T, N;
  float *encoded;                   /* (N, C) */
  float *lnf, *lnf_mean, *lnf_rstd; /* (N, C), (N), (N) */
  float *logits;                    /* (N, V); becomes d(loss)/d(logits) in backward */
  float *weights;                   /* (N) resolved per-position loss weights */
  float *dresid, *dtmp;             /* (N, C) backward scratch */
  float *dqkv;                      /* (N, 3C) */
  float *dfch;                      /* (N, 4C) */
  float *partials;                  /* (threads, 2C) per-thread LayerNorm gain/bias sums */
  float *layers_base;
  size_t layer_stride;
} acts;

typedef struct {
  gpt_shape shape;
  float *arena;
  size_t capacity; /* floats */
  unsigned long long last_used;
} model_cache;

static model_cache caches[CACHE_SLOTS];
static unsigned long long cache_clock;
static int out_of_memory;

int gpt_out_of_memory(void) { return out_of_memory; }

void gpt_release(void) {
  for (int i = 0; i < CACHE_SLOTS; i++) {
    free(caches[i].arena);
    memset(&caches[i], 0, sizeof caches[i]);
  }
}

static size_t round16(size_t n) { return (n + 15) & ~(size_t)15; }

/* Lays out (and, when `base` is set, assigns) a layer's buffers; returns its size in floats. */
static size_t layout_layer(float *base, int B, int T, int C, int H, layer_acts *a) {
  size_t N = (size_t)B * T, at = 0;
#define TAKE(field, n)                     \
  do {                                     \
    if (base) a->field = base + at;        \
    at += round16(n);                      \
  } while (0)
  TAKE(ln1, N * C);
  TAKE(ln1_mean, N);
  TAKE(ln1_rstd, N);
  TAKE(qkv, 3 * N * C);
  TAKE(att, (size_t)B * H * T * T);
  TAKE(atty, N * C);
  TAKE(resid2, N * C);
  TAKE(ln2, N * C);
  TAKE(ln2_mean, N);
  TAKE(ln2_rstd, N);
  TAKE(fch, 4 * N * C);
  TAKE(fch_gelu, 4 * N * C);
  TAKE(resid3, N * C);
#undef TAKE
  return at;
}

/* Finds (or allocates) the arena for `shape` and points `a` at buffers for a (B, T) batch. */
static int prepare(const gpt_shape *shape, int B, int T, acts *a) {
  size_t C = (size_t)shape->width, N = (size_t)B * T, V = (size_t)shape->vocab;
  size_t layer = layout_layer(NULL, B, T, (int)C, shape->heads, NULL);
  size_t floats = round16(N * C) * 4 + round16(N) * 3 + round16(N * V) + round16(3 * N * C) +
                  round16(4 * N * C) + round16((size_t)MAX_POOL_PARTS * 2 * C) +
                  layer * (size_t)shape->layers;
  model_cache *slot = NULL;
  for (int i = 0; i < CACHE_SLOTS && !slot; i++)
    if (caches[i].arena && !memcmp(&caches[i].shape, shape, sizeof *shape)) slot = &caches[i];
  if (!slot) {
    slot = &caches[0];
    for (int i = 1; i < CACHE_SLOTS; i++)
      if (caches[i].last_used < slot->last_used) slot = &caches[i];
    free(slot->arena);
    memset(slot, 0, sizeof *slot);
    slot->shape = *shape;
  }
  if (slot->capacity < floats) {
    free(slot->arena);
    slot->arena = aligned_alloc(64, floats * sizeof(float));
    slot->capacity = slot->arena ? floats : 0;
    if (!slot->arena) {
      out_of_memory = 1;
      return 0;
    }
  }
  out_of_memory = 0;
  slot->last_used = ++cache_clock;
  float *at = slot->arena;
  a->B = B, a->T = T, a->N = (int)N;
#define TAKE(field, n)   \
  do {                   \
    a->field = at;       \
    at += round16(n);    \
  } while (0)
  TAKE(encoded, N * C);
  TAKE(lnf, N * C);
  TAKE(lnf_mean, N);
  TAKE(lnf_rstd, N);
  TAKE(logits, N * V);
  TAKE(weights, N);
  TAKE(dresid, N * C);
  TAKE(dtmp, N * C);
  TAKE(dqkv, 3 * N * C);
  TAKE(dfch, 4 * N * C);
  TAKE(partials, (size_t)MAX_POOL_PARTS * 2 * C);
#undef TAKE
  a->layers_base = at;
  a->layer_stride = layer;
  return 1;
}

static void view_acts(const gpt_shape *shape, const acts *a, int l, layer_acts *out) {
  layout_layer(a->layers_base + (size_t)l * a->layer_stride, a->B, a->T, shape->width,
               shape->heads, out);
}

/* ---------------------------------------------------------------- parallel helpers */

typedef void (*range_fn)(void *context, int begin, int end);
typedef struct {
  range_fn fn;
  void *context;
  int n, align;
} range_job;

static void range_task(void *context, int part, int parts) {
  range_job *job = context;
  int begin, end;
  pool_split(job->n, parts, part, job->align, &begin, &end);
  if (begin < end) job->fn(job->context, begin, end);
}

/* How many parts to cut `units` units of work into. */
static int parts_for(int units) {
  int parts = pool_threads() * PARTS_PER_THREAD;
  parts = parts < units ? parts : units;
  parts = parts < MAX_POOL_PARTS ? parts : MAX_POOL_PARTS;
  return parts > 1 ? parts : 1;
}

/* Runs fn over [0, n) cut into parts aligned to `align`, spread over the pool's threads. */
static void parallel_for(range_fn fn, void *context, int n, int align) {
  range_job job = {fn, context, n, align};
  if (pool_threads() == 1 || n < 2 * align) {
    fn(context, 0, n);
    return;
  }
  pool_run_parts(range_task, &job, parts_for((n + align - 1) / align));
}


/* ---------------------------------------------------------------- ops */

typedef struct {
  float *out;
  const int32_t *inputs;
  const float *wte, *wpe;
  int T, C;
} encoder_job;

static void encoder_rows(void *context, int begin, int end) {
  encoder_job *j = context;
  for (int n = begin; n < end; n++) {
    const float *tok = j->wte + (size_t)j->inputs[n] * j->C;
    const float *pos = j->wpe + (size_t)(n % j->T) * j->C;
    float *o = j->out + (size_t)n * j->C;
    for (int i = 0; i < j->C; i++) o[i] = tok[i] + pos[i];
  }
}

typedef struct {
  float *out, *mean, *rstd;
  const float *inp, *w, *b;
  int C;
} layernorm_job;

static void layernorm_rows(void *context, int begin, int end) {
  layernorm_job *j = context;
  const int C = j->C;
  for (int n = begin; n < end; n++) {
    const float *x = j->inp + (size_t)n * C;
    float m = sum_floats(x, C) / C;
    float variance = 0.0f;
    {
      v16f acc = {0};
      int i = 0;
      for (; i + 16 <= C; i += 16) {
        v16f d = v16_load(x + i) - m;
        acc += d * d;
      }
      for (int k = 0; k < 16; k++) variance += acc[k];
      for (; i < C; i++) variance += (x[i] - m) * (x[i] - m);
    }
    float s = 1.0f / sqrtf(variance / C + LAYER_NORM_EPSILON);
    float *o = j->out + (size_t)n * C;
    for (int i = 0; i < C; i++) o[i] = (x[i] - m) * s * j->w[i] + j->b[i];
    if (j->mean) j->mean[n] = m;
    if (j->rstd) j->rstd[n] = s;
  }
}

void layernorm_serial(float *out, const float *inp, const float *w, const float *b, int rows, int C) {
  layernorm_job job = {out, NULL, NULL, inp, w, b, C};
  layernorm_rows(&job, 0, rows);
}

static void layernorm_forward(float *out, float *mean, float *rstd, const float *inp,
                              const float *w, const float *b, int N, int C) {
  layernorm_job job = {out, mean, rstd, inp, w, b, C};
  parallel_for(layernorm_rows, &job, N, 8);
}

typedef struct {
  float *dinp, *dw, *db, *partials;
  const float *dout, *inp, *mean, *rstd, *w;
  int N, C;
} layernorm_back_job;

/* dx += rstd·(dnorm − mean(dnorm) − norm·mean(dnorm·norm)); gain/bias sums go to partials. */
static void layernorm_back_task(void *context, int part, int parts) {
  layernorm_back_job *j = context;
  const int C = j->C;
  float *dw = j->partials + (size_t)part * 2 * C, *db = dw + C;
  memset(dw, 0, 2 * (size_t)C * sizeof(float));
  int begin, end;
  pool_split(j->N, parts, part, 1, &begin, &end);
  float norm[C > 0 ? C : 1], dnorm[C > 0 ? C : 1];
  for (int n = begin; n < end; n++) {
    const float *x = j->inp + (size_t)n * C, *dy = j->dout + (size_t)n * C;
    float m = j->mean[n], s = j->rstd[n];
    float mean_dnorm = 0.0f, mean_dnorm_norm = 0.0f;
    for (int i = 0; i < C; i++) {
      norm[i] = (x[i] - m) * s;
      dnorm[i] = dy[i] * j->w[i];
      dw[i] += dy[i] * norm[i];
      db[i] += dy[i];
    }
    {
      v16f a = {0}, b = {0};
      int i = 0;
      for (; i + 16 <= C; i += 16) {
        v16f d = v16_load(dnorm + i);
        a += d;
        b += d * v16_load(norm + i);
      }
      for (int k = 0; k < 16; k++) mean_dnorm += a[k], mean_dnorm_norm += b[k];
      for (; i < C; i++) {
        mean_dnorm += dnorm[i];
        mean_dnorm_norm += dnorm[i] * norm[i];
      }
    }
    mean_dnorm /= C;
    mean_dnorm_norm /= C;
    float *dx = j->dinp + (size_t)n * C;
    for (int i = 0; i < C; i++) dx[i] += s * (dnorm[i] - mean_dnorm - norm[i] * mean_dnorm_norm);
  }
}

static void layernorm_backward(float *dinp, float *dw, float *db, float *partials,
                               const float *dout, const float *inp, const float *mean,
                               const float *rstd, const float *w, int N, int C) {
  layernorm_back_job job = {dinp, dw, db, partials, dout, inp, mean, rstd, w, N, C};
  const int parts = pool_threads() == 1 ? 1 : parts_for(N);
  pool_run_parts(layernorm_back_task, &job, parts);
  for (int i = 0; i < C; i++) {
    float sw = 0.0f, sb = 0.0f;
    for (int t = 0; t < parts; t++) {
      sw += partials[(size_t)t * 2 * C + i];
      sb += partials[(size_t)t * 2 * C + C + i];
    }
    dw[i] = sw;
    db[i] = sb;
  }
}

/*
 * out (N, O) = residual + inp (N, I) · Wᵀ + bias, W (O, I) as torch.nn.Linear; `residual` may be
 * NULL. With `gelu_out`, the GEMM also writes GELU(out) there as it stores each tile.
 */
static void matmul_forward(float *out, const float *inp, const float *w, const float *bias,
                           const float *residual, float *gelu_out, int N, int I, int O) {
  gemm_args g = {N, O, I, inp, I, 1, w, 1, I, out, O, 0, bias, residual,
                 gelu_out ? EPILOGUE_GELU : EPILOGUE_NONE, NULL, gelu_out, NULL, NULL};
  sgemm_parallel(&g);
}

/*
 * dinp = dout·W (overwrite; times GELU'(gelu_input) when that is given, so the MLP's GELU backward
 * rides along), dW = doutᵀ·inp (overwrite), dbias = column sums of dout (summed while the GEMM
 * packs doutᵀ).
 */
static void matmul_backward(float *dinp, float *dw, float *dbias, const float *dout,
                            const float *inp, const float *w, const float *gelu_input, int N,
                            int I, int O) {
  if (dinp) {
    gemm_args g = {N, I, O, dout, O, 1, w, I, 1, dinp, I, 0, NULL, NULL,
                   gelu_input ? EPILOGUE_GELU_BACKWARD : EPILOGUE_NONE, gelu_input, NULL, NULL,
                   NULL};
    sgemm_parallel(&g);
  }
  gemm_args gw = {O, I, N, dout, 1, O, inp, I, 1, dw, I, 0, NULL, NULL, EPILOGUE_NONE,
                  NULL, NULL, dbias, NULL};
  sgemm_parallel(&gw);
}

/* Per-thread scratch for attention (packed q, k, v, their gradients, scores). */
static _Thread_local float *attention_scratch;
static _Thread_local size_t attention_scratch_size;

static float *scratch(size_t floats) {
  if (attention_scratch_size < floats) {
    free(attention_scratch);
    attention_scratch = aligned_alloc(64, floats * sizeof(float));
    attention_scratch_size = attention_scratch ? floats : 0;
  }
  return attention_scratch;
}

typedef struct {
  float *atty, *att, *dqkv;
  const float *qkv, *datty;
  int B, T, C, H;
  int failed;
} attention_job;

/* Rows of the attention matrix handled together: each loaded k/v vector feeds 4 rows of FMAs. */
#define ROWS 4

/*
 * rows[r][s] = scale · Σ_i x[(t0 + r)·xs + i] · yt[i·Tp + s] for keys s < last (rounded up to 16):
 * the scores q·kᵀ/√hs (forward) or dP = dy·vᵀ (backward). Two 16-key blocks per pass give 8
 * independent accumulator chains, enough to hide the FMA latency.
 */
static inline __attribute__((always_inline)) void score_block(const float *x, size_t xs,
                                                               const float *yt, int hs, int Tp,
                                                               int t0, int last, float *rows,
                                                               size_t row_stride, float scale) {
  const float *xr[ROWS];
  for (int r = 0; r < ROWS; r++) xr[r] = x + (size_t)(t0 + r) * xs;
  int s0 = 0;
  for (; s0 + 16 < last; s0 += 32) {
    v16f a[ROWS] = {{0}}, b[ROWS] = {{0}};
    for (int i = 0; i < hs; i++) {
      v16f k0 = v16_load(yt + (size_t)i * Tp + s0), k1 = v16_load(yt + (size_t)i * Tp + s0 + 16);
#pragma GCC unroll 4
      for (int r = 0; r < ROWS; r++) {
        a[r] += xr[r][i] * k0;
        b[r] += xr[r][i] * k1;
      }
    }
#pragma GCC unroll 4
    for (int r = 0; r < ROWS; r++) {
      v16_store(rows + r * row_stride + s0, a[r] * scale);
      v16_store(rows + r * row_stride + s0 + 16, b[r] * scale);
    }
  }
  if (s0 < last) {
    v16f a[ROWS] = {{0}};
    for (int i = 0; i < hs; i++) {
      v16f k0 = v16_load(yt + (size_t)i * Tp + s0);
#pragma GCC unroll 4
      for (int r = 0; r < ROWS; r++) a[r] += xr[r][i] * k0;
    }
#pragma GCC unroll 4
    for (int r = 0; r < ROWS; r++) v16_store(rows + r * row_stride + s0, a[r] * scale);
  }
}

/*
 * out[r·os ..] = Σ_{s<last} w[r·ws + s] · m[s·ms ..] for ROWS rows (y = P·v, dq = dS·k). Even and
 * odd keys go to separate accumulators so a 16-wide head still has 8 independent chains.
 */
static inline __attribute__((always_inline)) void weighted_rows(const float *w, size_t ws,
                                                                const float *m, size_t ms,
                                                                int last, float *out, size_t os,
                                                                const int HV) {
  v16f a[ROWS][HV], b[ROWS][HV];
#pragma GCC unroll 4
  for (int r = 0; r < ROWS; r++)
    for (int c = 0; c < HV; c++) a[r][c] = b[r][c] = (v16f){0};
  int s = 0;
  for (; s + 1 < last; s += 2) {
    for (int c = 0; c < HV; c++) {
      v16f m0 = v16_load(m + s * ms + 16 * c), m1 = v16_load(m + (s + 1) * ms + 16 * c);
#pragma GCC unroll 4
      for (int r = 0; r < ROWS; r++) {
        a[r][c] += w[r * ws + s] * m0;
        b[r][c] += w[r * ws + s + 1] * m1;
      }
    }
  }
  if (s < last) {
    for (int c = 0; c < HV; c++) {
      v16f m0 = v16_load(m + s * ms + 16 * c);
#pragma GCC unroll 4
      for (int r = 0; r < ROWS; r++) a[r][c] += w[r * ws + s] * m0;
    }
  }
#pragma GCC unroll 4
  for (int r = 0; r < ROWS; r++)
    for (int c = 0; c < HV; c++) v16_store(out + r * os + 16 * c, a[r][c] + b[r][c]);
}

/* kᵀ or vᵀ of one head, (hs, Tp), zero past T: the one operand the loops need transposed. */
static void transpose_head(const float *src, size_t stride, int T, int hs, int Tp, float *out) {
  for (int t0 = 0; t0 < T; t0 += 16) {
    const int tn = T - t0 < 16 ? T - t0 : 16;
    for (int i = 0; i < hs; i++) {
      float *row = out + (size_t)i * Tp + t0;
      for (int t = 0; t < tn; t++) row[t] = src[(size_t)(t0 + t) * stride + i];
    }
  }
  for (int i = 0; i < hs; i++)
    for (int t = T; t < Tp; t++) out[(size_t)i * Tp + t] = 0.0f;
}

/* Copies T rows of hs floats (source stride `stride`) into (Tr, hs), zero rows past T. */
static void pack_rows(const float *src, size_t stride, int T, int Tr, int hs, float *out) {
  for (int t = 0; t < Tr; t++) {
    if (t < T)
      memcpy(out + (size_t)t * hs, src + (size_t)t * stride, (size_t)hs * sizeof(float));
    else
      memset(out + (size_t)t * hs, 0, (size_t)hs * sizeof(float));
  }
}

/*
 * One (batch, head) of causal attention, vectorised along the head (HV 16-float vectors, so head
 * sizes 16, 32, 64) and along keys (16 at a time for the scores). When T is a multiple of 16, q, v
 * and the output are used in place through their strides; otherwise they are copied into scratch
 * padded to whole blocks of ROWS rows.
 */
static inline __attribute__((always_inline)) void attention_head_forward(
    attention_job *j, int b, int h, float *work, const int HV) {
  const int T = j->T, C = j->C, H = j->H, hs = 16 * HV;
  const int Tr = (T + ROWS - 1) / ROWS * ROWS, Tp = (int)round16((size_t)T);
  const int in_place = T % 16 == 0;
  const float scale = 1.0f / sqrtf((float)hs);
  float *kt = work, *rows = kt + (size_t)hs * Tp; /* rows: (ROWS, Tp) scores → probabilities */
  float *scratch_q = rows + (size_t)ROWS * Tp, *scratch_v = scratch_q + (size_t)Tr * hs;
  float *scratch_y = scratch_v + (size_t)Tr * hs;
  const size_t qkv_stride = (size_t)3 * C;
  const float *base = j->qkv + (size_t)b * T * qkv_stride + (size_t)h * hs;
  transpose_head(base + C, qkv_stride, T, hs, Tp, kt);
  const float *q = base, *v = base + 2 * C;
  size_t qs = qkv_stride;
  if (!in_place) {
    pack_rows(base, qkv_stride, T, Tr, hs, scratch_q);
    pack_rows(base + 2 * C, qkv_stride, T, Tr, hs, scratch_v);
    q = scratch_q, v = scratch_v, qs = hs;
  }
  const v16i lanes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  for (int t0 = 0; t0 < T; t0 += ROWS) {
    const int last = t0 + ROWS < T ? t0 + ROWS : T; /* keys needed: s < last */
    score_block(q, qs, kt, hs, Tp, t0, last, rows, (size_t)Tp, scale);
    /* Softmax over whole 16-lane blocks; keys past the diagonal are masked in registers. */
    const int padded = (int)round16((size_t)last);
    for (int r = 0; r < ROWS; r++) {
      const int t = t0 + r;
      float *row = rows + r * Tp;
      if (t >= T) {
        memset(row, 0, (size_t)padded * sizeof(float));
        continue;
      }
      const int count = t + 1;
      const v16f minus_infinity = v16_splat(-INFINITY);
      v16f max = minus_infinity;
      for (int s = 0; s < padded; s += 16)
        max = v16_max(max, v16_select(lanes + s < count, v16_load(row + s), minus_infinity));
      float m = max[0];
      for (int k = 1; k < 16; k++) m = max[k] > m ? max[k] : m;
      v16f total = {0};
      for (int s = 0; s < padded; s += 16) {
        v16f e = v16_select(lanes + s < count, v16_exp(v16_load(row + s) - m), (v16f){0});
        v16_store(row + s, e);
        total += e;
      }
      float sum = 0.0f;
      for (int k = 0; k < 16; k++) sum += total[k];
      const float inverse = 1.0f / sum;
      for (int s = 0; s < padded; s += 16) v16_store(row + s, v16_load(row + s) * inverse);
      float *p = j->att + (((size_t)b * H + h) * T + t) * T;
      const int stored = padded < T ? padded : T;
      memcpy(p, row, (size_t)stored * sizeof(float));
      memset(p + stored, 0, (size_t)(T - stored) * sizeof(float));
    }
    float *y = j->atty + ((size_t)b * T + t0) * C + (size_t)h * hs;
    if (in_place) {
      weighted_rows(rows, (size_t)Tp, v, qkv_stride, last, y, (size_t)C, HV);
    } else {
      weighted_rows(rows, (size_t)Tp, v, (size_t)hs, last, scratch_y, (size_t)hs, HV);
      for (int r = 0; r < ROWS && t0 + r < T; r++)
        memcpy(y + (size_t)r * C, scratch_y + r * hs, (size_t)hs * sizeof(float));
    }
  }
}

/* Backward of attention_head_forward: writes d(q|k|v) of one (batch, head) (overwrite). */
static inline __attribute__((always_inline)) void attention_head_backward(
    attention_job *j, int b, int h, float *work, const int HV) {
  const int T = j->T, C = j->C, H = j->H, hs = 16 * HV;
  const int Tr = (T + ROWS - 1) / ROWS * ROWS, Tp = (int)round16((size_t)T);
  const int in_place = T % 16 == 0;
  const float scale = 1.0f / sqrtf((float)hs);
  const size_t qkv_stride = (size_t)3 * C, panel = (size_t)Tr * hs;
  float *vt = work, *ds = vt + (size_t)hs * Tp; /* ds: (Tr, Tp) dP, then dS */
  float *scratch = ds + (size_t)Tr * Tp;
  const float *base = j->qkv + (size_t)b * T * qkv_stride + (size_t)h * hs;
  const float *dbase = j->datty + (size_t)b * T * C + (size_t)h * hs;
  float *out = j->dqkv + (size_t)b * T * qkv_stride + (size_t)h * hs;
  transpose_head(base + 2 * C, qkv_stride, T, hs, Tp, vt);
  /* In place: q, k, dy, P and the outputs through their strides; else padded copies. */
  const float *q = base, *k = base + C, *dy = dbase;
  const float *p = j->att + ((size_t)b * H + h) * T * T;
  size_t qs = qkv_stride, ys = (size_t)C, ps = (size_t)T, os = qkv_stride;
  float *dq = out, *dk = out + C, *dv = out + 2 * C;
  if (!in_place) {
    float *sq = scratch, *sk = sq + panel, *sy = sk + panel, *sp = sy + panel;
    pack_rows(base, qkv_stride, T, Tr, hs, sq);
    pack_rows(base + C, qkv_stride, T, Tr, hs, sk);
    pack_rows(dbase, (size_t)C, T, Tr, hs, sy);
    for (int t = 0; t < Tr; t++) {
      float *row = sp + (size_t)t * Tp;
      if (t < T) {
        memcpy(row, p + (size_t)t * T, (size_t)T * sizeof(float));
        memset(row + T, 0, (size_t)(Tp - T) * sizeof(float));
      } else {
        memset(row, 0, (size_t)Tp * sizeof(float));
      }
    }
    q = sq, k = sk, dy = sy, p = sp;
    qs = ys = os = (size_t)hs, ps = (size_t)Tp;
    dq = sp + (size_t)Tr * Tp, dk = dq + panel, dv = dk + panel;
  }
  for (int t0 = 0; t0 < Tr; t0 += ROWS) {
    const int last = t0 + ROWS < T ? t0 + ROWS : T;
    /* dP = dy·vᵀ for keys s < last, into the dS rows */
    score_block(dy, ys, vt, hs, Tp, t0, last, ds + (size_t)t0 * Tp, (size_t)Tp, 1.0f);
    /* dS = P ⊙ (dP − Σ_s P·dP) · scale; P is zero past the diagonal, so dS is too */
    const int padded = (int)round16((size_t)last);
    for (int r = 0; r < ROWS; r++) {
      float *row = ds + (size_t)(t0 + r) * Tp;
      const float *prow = p + (size_t)(t0 + r) * ps;
      v16f acc = {0};
      for (int s = 0; s < padded; s += 16) acc += v16_load(prow + s) * v16_load(row + s);
      float weighted = 0.0f;
      for (int c = 0; c < 16; c++) weighted += acc[c];
      for (int s = 0; s < padded; s += 16)
        v16_store(row + s, v16_load(prow + s) * (v16_load(row + s) - weighted) * scale);
      for (int s = padded; s < Tp; s += 16) v16_store(row + s, (v16f){0});
    }
    /* dq = dS·k */
    weighted_rows(ds + (size_t)t0 * Tp, (size_t)Tp, k, qs, last, dq + t0 * os, os, HV);
  }
  /* dk = dSᵀ·q and dv = Pᵀ·dy, ROWS keys at a time over the queries t ≥ s0 that see them */
  for (int s0 = 0; s0 < Tr; s0 += ROWS) {
    v16f ak[ROWS][HV], av[ROWS][HV];
#pragma GCC unroll 4
    for (int r = 0; r < ROWS; r++)
      for (int c = 0; c < HV; c++) ak[r][c] = av[r][c] = (v16f){0};
    for (int t = s0; t < T; t++) {
      const float *dsrow = ds + (size_t)t * Tp + s0, *prow = p + (size_t)t * ps + s0;
      for (int c = 0; c < HV; c++) {
        v16f qv = v16_load(q + t * qs + 16 * c), dyv = v16_load(dy + t * ys + 16 * c);
#pragma GCC unroll 4
        for (int r = 0; r < ROWS; r++) {
          ak[r][c] += dsrow[r] * qv;
          av[r][c] += prow[r] * dyv;
        }
      }
    }
#pragma GCC unroll 4
    for (int r = 0; r < ROWS; r++)
      for (int c = 0; c < HV; c++) {
        v16_store(dk + (s0 + r) * os + 16 * c, ak[r][c]);
        v16_store(dv + (s0 + r) * os + 16 * c, av[r][c]);
      }
  }
  if (!in_place) {
    for (int t = 0; t < T; t++) {
      float *dst = out + (size_t)t * qkv_stride;
      memcpy(dst, dq + t * hs, (size_t)hs * sizeof(float));
      memcpy(dst + C, dk + t * hs, (size_t)hs * sizeof(float));
      memcpy(dst + 2 * C, dv + t * hs, (size_t)hs * sizeof(float));
    }
  }
}

/* Scalar fallback for head sizes that are not 16, 32 or 64. */
static void attention_head_forward_scalar(attention_job *j, int b, int h, float *work) {
  const int T = j->T, C = j->C, H = j->H, hs = C / H;
  const float scale = 1.0f / sqrtf((float)hs);
  float *row = work;
  const float *base = j->qkv + (size_t)b * T * 3 * C + (size_t)h * hs;
  for (int t = 0; t < T; t++) {
    const float *qt = base + (size_t)t * 3 * C;
    for (int s = 0; s <= t; s++) {
      const float *ks = base + (size_t)s * 3 * C + C;
      float dot = 0.0f;
      for (int i = 0; i < hs; i++) dot += qt[i] * ks[i];
      row[s] = dot * scale;
    }
    float max = row[0];
    for (int s = 1; s <= t; s++) max = row[s] > max ? row[s] : max;
    for (int s = 0; s <= t; s++) row[s] -= max;
    exp_inplace(row, t + 1);
    const float inverse = 1.0f / sum_floats(row, t + 1);
    float *p = j->att + (((size_t)b * H + h) * T + t) * T;
    for (int s = 0; s < T; s++) p[s] = s <= t ? row[s] * inverse : 0.0f;
    float *y = j->atty + ((size_t)b * T + t) * C + (size_t)h * hs;
    for (int i = 0; i < hs; i++) y[i] = 0.0f;
    for (int s = 0; s <= t; s++) {
      const float *vs = base + (size_t)s * 3 * C + 2 * C;
      for (int i = 0; i < hs; i++) y[i] += p[s] * vs[i];
    }
  }
}

static void attention_head_backward_scalar(attention_job *j, int b, int h, float *work) {
  const int T = j->T, C = j->C, H = j->H, hs = C / H;
  const float scale = 1.0f / sqrtf((float)hs);
  float *row = work;
  const float *base = j->qkv + (size_t)b * T * 3 * C + (size_t)h * hs;
  float *out = j->dqkv + (size_t)b * T * 3 * C + (size_t)h * hs;
  for (int t = 0; t < T; t++) {
    float *d = out + (size_t)t * 3 * C;
    for (int i = 0; i < hs; i++) d[i] = d[C + i] = d[2 * C + i] = 0.0f;
  }
  for (int t = 0; t < T; t++) {
    const float *dy = j->datty + ((size_t)b * T + t) * C + (size_t)h * hs;
    const float *p = j->att + (((size_t)b * H + h) * T + t) * T;
    const float *qt = base + (size_t)t * 3 * C;
    float *dqt = out + (size_t)t * 3 * C;
    float weighted = 0.0f;
    for (int s = 0; s <= t; s++) {
      const float *vs = base + (size_t)s * 3 * C + 2 * C;
      float dot = 0.0f;
      for (int i = 0; i < hs; i++) dot += dy[i] * vs[i];
      row[s] = dot;
      weighted += p[s] * dot;
    }
    for (int s = 0; s <= t; s++) {
      const float ds = p[s] * (row[s] - weighted) * scale;
      const float *ks = base + (size_t)s * 3 * C + C;
      float *dks = out + (size_t)s * 3 * C + C, *dvs = dks + C;
      for (int i = 0; i < hs; i++) {
        dqt[i] += ds * ks[i];
        dks[i] += ds * qt[i];
        dvs[i] += p[s] * dy[i];
      }
    }
  }
}

/* Scratch floats for one head: the largest of the forward, backward and scalar layouts. */
static size_t attention_work_floats(int T, int hs) {
  size_t Tr = (size_t)(T + ROWS - 1) / ROWS * ROWS, Tp = round16((size_t)T);
  size_t forward = (size_t)hs * Tp + ROWS * Tp + 2 * Tr * (size_t)hs + ROWS * (size_t)hs;
  size_t backward = (size_t)hs * Tp + 2 * Tr * Tp + 6 * Tr * (size_t)hs;
  return (forward > backward ? forward : backward) + Tp;
}

static void attention_pairs(void *context, int begin, int end) {
  attention_job *j = context;
  const int hs = j->C / j->H;
  float *work = scratch(attention_work_floats(j->T, hs));
  if (!work) {
    j->failed = 1;
    return;
  }
  for (int pair = begin; pair < end; pair++) {
    const int b = pair / j->H, h = pair % j->H;
    switch (hs) {
      case 16: attention_head_forward(j, b, h, work, 1); break;
      case 32: attention_head_forward(j, b, h, work, 2); break;
      case 64: attention_head_forward(j, b, h, work, 4); break;
      default: attention_head_forward_scalar(j, b, h, work);
    }
  }
}

static void attention_back_pairs(void *context, int begin, int end) {
  attention_job *j = context;
  const int hs = j->C / j->H;
  float *work = scratch(attention_work_floats(j->T, hs));
  if (!work) {
    j->failed = 1;
    return;
  }
  for (int pair = begin; pair < end; pair++) {
    const int b = pair / j->H, h = pair % j->H;
    switch (hs) {
      case 16: attention_head_backward(j, b, h, work, 1); break;
      case 32: attention_head_backward(j, b, h, work, 2); break;
      case 64: attention_head_backward(j, b, h, work, 4); break;
      default: attention_head_backward_scalar(j, b, h, work);
    }
  }
}

typedef struct {
  float *logits, *logprobs;
  const float *weights;
  const int32_t *targets;
  int N, V, backward;
  double losses[MAX_POOL_PARTS];
} loss_job;

/* log-softmax per row; loss −w·log p(target); in backward, logits ← w·(p − onehot(target)). */
static void loss_task(void *context, int part, int parts) {
  loss_job *j = context;
  int begin, end;
  pool_split(j->N, parts, part, 1, &begin, &end);
  double loss = 0.0;
  const int V = j->V;
  for (int n = begin; n < end; n++) {
    float *z = j->logits + (size_t)n * V;
    int target = j->targets[n];
    float max = max_floats(z, V);
    float zt = target >= 0 ? z[target] : 0.0f;
    for (int v = 0; v < V; v++) z[v] -= max;
    exp_inplace(z, V);
    float total = sum_floats(z, V);
    float logp = target >= 0 ? zt - max - logf(total) : 0.0f;
    if (j->logprobs) j->logprobs[n] = logp;
    float w = j->weights[n];
    loss -= (double)w * logp;
    if (j->backward) {
      float inverse = w / total;
      for (int v = 0; v < V; v++) z[v] *= inverse;
      if (target >= 0) z[target] -= w;
    }
  }
  j->losses[part] = loss;
}
static double loss_forward(acts *a, const int32_t *targets, float *logprobs, int V, int backward) {
  loss_job job;
  job.logits = a->logits;
  job.logprobs = logprobs;
  job.weights = a->weights;
  job.targets = targets;
  job.N = a->N;
  job.V = V;
  job.backward = backward;
  const int parts = pool_threads() == 1 ? 1 : parts_for(a->N);
  pool_run_parts(loss_task, &job, parts);
  double loss = 0.0;
  for (int t = 0; t < parts; t++) loss += job.losses[t];
  return loss;
}

static void resolve_weights(acts *a, const int32_t *targets, const float *weights) {
  int counted = 0;
  for (int n = 0; n < a->N; n++) counted += targets[n] != -1;
  for (int n = 0; n < a->N; n++) {
    if (targets[n] == -1)
      a->weights[n] = 0.0f;
    else
      a->weights[n] = weights ? weights[n] : 1.0f / (float)counted;
  }
}

/* ---------------------------------------------------------------- forward / backward */

static int attention_run(range_fn fn, attention_job *job, int pairs) {
  parallel_for(fn, job, pairs, 1);
  return !job->failed;
}

/* Runs every block; leaves the final residual stream in the last layer's resid3 (or encoded). */
static int forward_blocks(const gpt_shape *s, float *params, const int32_t *inputs, acts *a,
                          const float **final) {
  const int C = s->width, H = s->heads, N = a->N, B = a->B, T = a->T;
  model_params mp;
  gpt_view_model(s, params, &mp);
  encoder_job enc = {a->encoded, inputs, mp.wte, mp.wpe, T, C};
  parallel_for(encoder_rows, &enc, N, 8);
  const float *x = a->encoded;
  for (int l = 0; l < s->layers; l++) {
    layer_params p;
    layer_acts la;
    gpt_view_layer(s, params, l, &p);
    view_acts(s, a, l, &la);
    layernorm_forward(la.ln1, la.ln1_mean, la.ln1_rstd, x, p.ln1w, p.ln1b, N, C);
    matmul_forward(la.qkv, la.ln1, p.qkvw, p.qkvb, NULL, NULL, N, C, 3 * C);
    attention_job job = {la.atty, la.att, NULL, la.qkv, NULL, B, T, C, H, 0};
    if (!attention_run(attention_pairs, &job, B * H)) return 0;
    matmul_forward(la.resid2, la.atty, p.projw, p.projb, x, NULL, N, C, C);
    layernorm_forward(la.ln2, la.ln2_mean, la.ln2_rstd, la.resid2, p.ln2w, p.ln2b, N, C);
    matmul_forward(la.fch, la.ln2, p.fcw, p.fcb, NULL, la.fch_gelu, N, C, 4 * C);
    matmul_forward(la.resid3, la.fch_gelu, p.fcprojw, p.fcprojb, la.resid2, NULL, N, 4 * C, C);
    x = la.resid3;
  }
  *final = x;
  return 1;
}

/* Forward through the loss; returns NAN when memory ran out. */
static double forward_loss(const gpt_shape *s, float *params, int B, int T, const int32_t *inputs,
                           const int32_t *targets, const float *weights, float *logprobs,
                           int backward, acts *a, const float **final) {
  if (!prepare(s, B, T, a)) return NAN;
  if (!forward_blocks(s, params, inputs, a, final)) {
    out_of_memory = 1;
    return NAN;
  }
  model_params mp;
  gpt_view_model(s, params, &mp);
  layernorm_forward(a->lnf, a->lnf_mean, a->lnf_rstd, *final, mp.lnfw, mp.lnfb, a->N, s->width);
  matmul_forward(a->logits, a->lnf, mp.wte, NULL, NULL, NULL, a->N, s->width, s->vocab);
  resolve_weights(a, targets, weights);
  return loss_forward(a, targets, logprobs, s->vocab, backward);
}

double gpt_score(const gpt_shape *s, const float *params, int B, int T, const int32_t *inputs,
                 const int32_t *targets, const float *weights, float *logprobs) {
  acts a;
  const float *final;
  return forward_loss(s, (float *)params, B, T, inputs, targets, weights, logprobs, 0, &a, &final);
}

typedef struct {
  float *dwte, *dwpe;
  const float *dx;
  const int32_t *inputs;
  int B, T, C, V, Tmax;
} embedding_job;

/* Each part owns a range of token ids (no two parts touch the same dwte row). */
static void embedding_back_task(void *context, int part, int parts) {
  embedding_job *j = context;
  int vb, ve, tb, te;
  pool_split(j->V, parts, part, 1, &vb, &ve);
  const int C = j->C;
  for (int n = 0; n < j->B * j->T; n++) {
    int token = j->inputs[n];
    if (token < vb || token >= ve) continue;
    float *d = j->dwte + (size_t)token * C;
    const float *g = j->dx + (size_t)n * C;
    for (int i = 0; i < C; i++) d[i] += g[i];
  }
  pool_split(j->Tmax, parts, part, 1, &tb, &te);
  for (int t = tb; t < te; t++) {
    float *d = j->dwpe + (size_t)t * C;
    for (int i = 0; i < C; i++) d[i] = 0.0f;
    if (t >= j->T) continue;
    for (int b = 0; b < j->B; b++) {
      const float *g = j->dx + ((size_t)b * j->T + t) * C;
      for (int i = 0; i < C; i++) d[i] += g[i];
    }
  }
}

double gpt_forward_backward(const gpt_shape *s, const float *params_in, float *grads, int B,
                            int T, const int32_t *inputs, const int32_t *targets,
                            const float *weights, float *logprobs) {
  float *params = (float *)params_in;
  acts a;
  const float *final;
  double loss = forward_loss(s, params, B, T, inputs, targets, weights, logprobs, 1, &a, &final);
  if (isnan(loss) && out_of_memory) return loss;
  const int C = s->width, H = s->heads, N = a.N, V = s->vocab;
  model_params mp, gp;
  gpt_view_model(s, params, &mp);
  gpt_view_model(s, grads, &gp);
  /* Output head (tied to wte): dwte = dlogitsᵀ·lnf, dlnf = dlogits·wte. */
  matmul_backward(a.dtmp, gp.wte, NULL, a.logits, a.lnf, mp.wte, NULL, N, C, V);
  memset(a.dresid, 0, (size_t)N * C * sizeof(float));
  layernorm_backward(a.dresid, gp.lnfw, gp.lnfb, a.partials, a.dtmp, final, a.lnf_mean,
                     a.lnf_rstd, mp.lnfw, N, C);
  for (int l = s->layers - 1; l >= 0; l--) {
    layer_params p, g;
    layer_acts la;
    gpt_view_layer(s, params, l, &p);
    gpt_view_layer(s, grads, l, &g);
    view_acts(s, &a, l, &la);
    const float *x = l == 0 ? a.encoded : NULL;
    if (l > 0) {
      layer_acts previous;
      view_acts(s, &a, l - 1, &previous);
      x = previous.resid3;
    }
    /* a.dresid holds d(loss)/d(resid3); the residual passes it to resid2 unchanged. */
    matmul_backward(a.dfch, g.fcprojw, g.fcprojb, a.dresid, la.fch_gelu, p.fcprojw, la.fch, N,
                    4 * C, C);
    matmul_backward(a.dtmp, g.fcw, g.fcb, a.dfch, la.ln2, p.fcw, NULL, N, C, 4 * C);
    layernorm_backward(a.dresid, g.ln2w, g.ln2b, a.partials, a.dtmp, la.resid2, la.ln2_mean,
                       la.ln2_rstd, p.ln2w, N, C);
    matmul_backward(a.dtmp, g.projw, g.projb, a.dresid, la.atty, p.projw, NULL, N, C, C);
    attention_job job = {NULL, la.att, a.dqkv, la.qkv, a.dtmp, a.B, a.T, C, H, 0};
    if (!attention_run(attention_back_pairs, &job, a.B * H)) {
      out_of_memory = 1;
      return NAN;
    }
    matmul_backward(a.dtmp, g.qkvw, g.qkvb, a.dqkv, la.ln1, p.qkvw, NULL, N, C, 3 * C);
    layernorm_backward(a.dresid, g.ln1w, g.ln1b, a.partials, a.dtmp, x, la.ln1_mean, la.ln1_rstd,
                       p.ln1w, N, C);
  }
  embedding_job emb = {gp.wte, gp.wpe, a.dresid, inputs, a.B, a.T, C, V, s->context};
  pool_run_parts(embedding_back_task, &emb, pool_threads() == 1 ? 1 : parts_for(V));
  return loss;
}

int gpt_last_logits(const gpt_shape *s, const float *params_in, const int32_t *inputs, int B,
                    int time, const int32_t *lengths, float *out, layer_visitor visit,
                    void *context) {
  float *params = (float *)params_in;
  int T = 1;
  for (int b = 0; b < B; b++) T = lengths[b] > T ? lengths[b] : T;
  int32_t *clean = calloc((size_t)B * T, sizeof(int32_t));
  if (!clean) {
    out_of_memory = 1;
    return 0;
  }
  /* Positions at or past a row's length may hold padding; causal attention never reads them. */
  for (int b = 0; b < B; b++)
    for (int t = 0; t < lengths[b]; t++) clean[b * T + t] = inputs[(size_t)b * time + t];
  acts a;
  const float *final;
  int ok = prepare(s, B, T, &a) && forward_blocks(s, params, clean, &a, &final);
  free(clean);
  if (!ok) {
    out_of_memory = 1;
    return 0;
  }
  const int C = s->width;
  if (visit) {
    for (int l = 0; l < s->layers; l++) {
      layer_acts la;
      view_acts(s, &a, l, &la);
      visit(context, l, la.qkv, B, T);
    }
  }
  model_params mp;
  gpt_view_model(s, params, &mp);
  for (int b = 0; b < B; b++)
    memcpy(a.dtmp + (size_t)b * C, final + ((size_t)b * T + lengths[b] - 1) * C,
           (size_t)C * sizeof(float));
  layernorm_forward(a.lnf, NULL, NULL, a.dtmp, mp.lnfw, mp.lnfb, B, C);
  matmul_forward(out, a.lnf, mp.wte, NULL, NULL, NULL, B, C, s->vocab);
  return 1;
}

typedef struct {
  float *params, *m, *v;
  const float *grads;
  const uint8_t *mask;
  size_t n;
  float lr, beta1, beta2, epsilon, decay, correction1, correction2;
} adamw_job;

static void adamw_chunks(void *context, int begin, int end) {
  adamw_job *j = context;
  size_t b = (size_t)begin * 1024, e = (size_t)end * 1024 < j->n ? (size_t)end * 1024 : j->n;
  const float b1 = j->beta1, b2 = j->beta2, lr = j->lr, shrink = j->lr * j->decay;
  const float c1 = j->correction1, c2 = j->correction2, eps = j->epsilon;
  for (size_t i = b; i < e; i++) {
    float g = j->grads[i];
    float m = b1 * j->m[i] + (1.0f - b1) * g;
    float v = b2 * j->v[i] + (1.0f - b2) * g * g;
    j->m[i] = m;
    j->v[i] = v;
    float p = j->params[i];
    p -= j->mask[i] ? shrink * p : 0.0f;
    j->params[i] = p - lr * (m / c1) / (sqrtf(v / c2) + eps);
  }
}

void gpt_adamw(float *params, const float *grads, float *m, float *v, const uint8_t *mask, size_t n,
               float learning_rate, float beta1, float beta2, float epsilon, float weight_decay,
               int step) {
  adamw_job job = {params,
                   m,
                   v,
                   grads,
                   mask,
                   n,
                   learning_rate,
                   beta1,
                   beta2,
                   epsilon,
                   weight_decay,
                   (float)(1.0 - pow(beta1, step)),
                   (float)(1.0 - pow(beta2, step))};
  parallel_for(adamw_chunks, &job, (int)((n + 1023) / 1024), 4);
}
