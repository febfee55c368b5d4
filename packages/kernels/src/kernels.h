/*
 * Internal interface of the native kernels: a tiny thread pool, a blocked SGEMM, vector math and
 * the whole-model GPT forward/backward (llm.c style). Node-API glue lives in addon.c only.
 */
#ifndef OVERSEER_KERNELS_H
#define OVERSEER_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* ---- thread pool (pool.c) ---- */

/* Most parts a region is cut into (per-part scratch arrays are sized for it). */
#define MAX_POOL_PARTS 64
/* A task runs once per part; `part` is in [0, parts). Any thread may run any part. */
typedef void (*pool_task)(void *context, int part, int parts);
/* Runs task(context, part, parts) for every part on the pool's threads; returns when all are done. */
void pool_run_parts(pool_task task, void *context, int parts);
/* pool_run_parts with one part per thread. */
void pool_run(pool_task task, void *context);
/* Number of threads `pool_run` uses. */
int pool_threads(void);
/* Sets the number of threads (1..64); returns the number actually in use. */
int pool_set_threads(int threads);
/* Splits [0, n) into `parts` near-equal ranges aligned to `align`; writes the `part`-th range. */
void pool_split(int n, int parts, int part, int align, int *begin, int *end);

/* ---- SGEMM (gemm.c) ----
 * C[M×N] = (accumulate ? C : 0) + (residual ? R : 0) + A[M×K]·B[K×N] + (bias ? bias[N] : 0),
 * then an optional epilogue. A(i,k) = A[i·rsa + k·csa], B(k,j) = B[k·rsb + j·csb],
 * C(i,j) = C[i·ldc + j]; R, `aux` and `out2` share C's row stride.
 */
typedef enum {
  EPILOGUE_NONE = 0,
  EPILOGUE_GELU = 1,          /* C keeps the pre-activation, out2 = GELU(C) */
  EPILOGUE_GELU_BACKWARD = 2, /* C = (A·B) ⊙ GELU'(aux) */
} gemm_epilogue;

typedef struct {
  int M, N, K;
  const float *A;
  ptrdiff_t rsa, csa;
  const float *B;
  ptrdiff_t rsb, csb;
  float *C;
  ptrdiff_t ldc;
  int accumulate;
  const float *bias;
  const float *residual;
  gemm_epilogue epilogue;
  const float *aux;
  float *out2;
  /* When set (and A is not row-major), receives Σ_k A(i,k) for each row i: bias gradients. */
  float *a_row_sums;
  /* When set, B already packed by sgemm_pack_b (64-byte aligned); B, rsb and csb are ignored. */
  const float *packed_b;
} gemm_args;

/* Single-threaded SGEMM; safe to call from inside a pool task (thread-local pack buffers). */
void sgemm(const gemm_args *args);
/* SGEMM split over the pool's threads. */
void sgemm_parallel(const gemm_args *args);
/* Floats sgemm_pack_b writes for a K×N matrix B (N rounded up to whole panels). */
size_t sgemm_packed_b_floats(int K, int N);
/* Packs B (K×N, B(k,j) = B[k·rsb + j·csb]) once, for many sgemm calls through `packed_b`. */
void sgemm_pack_b(int K, int N, const float *B, ptrdiff_t rsb, ptrdiff_t csb, float *out);
/* Name of the micro-kernel's instruction set, for diagnostics. */
const char *sgemm_isa(void);

/* ---- the model (model.c) ---- */

typedef struct {
  int vocab, context, layers, heads, width;
} gpt_shape;

/* One block's tensors inside the flat parameter buffer (parameterLayout order). */
typedef struct {
  float *ln1w, *ln1b;       /* (C) */
  float *qkvw, *qkvb;       /* (3C, C), (3C) */
  float *projw, *projb;     /* (C, C), (C) */
  float *ln2w, *ln2b;       /* (C) */
  float *fcw, *fcb;         /* (4C, C), (4C) */
  float *fcprojw, *fcprojb; /* (C, 4C), (C) */
} layer_params;

typedef struct {
  float *wte; /* (V, C) */
  float *wpe; /* (Tmax, C) */
  float *lnfw, *lnfb;
} model_params;

/* Views a flat buffer (params or grads) in parameterLayout order. */
void gpt_view_model(const gpt_shape *s, float *base, model_params *p);
void gpt_view_layer(const gpt_shape *s, float *base, int l, layer_params *p);
/* LayerNorm of `rows` rows of C floats on the calling thread. */
void layernorm_serial(float *out, const float *inp, const float *w, const float *b, int rows, int C);
/* Sees each layer's (B, T, 3C) q|k|v after a forward pass (how prefill keeps keys and values). */
typedef void (*layer_visitor)(void *context, int layer, const float *qkv, int B, int T);

/* Forward + backward; writes grads (overwrite), logprobs (optional); returns the loss. */
double gpt_forward_backward(const gpt_shape *shape, const float *params, float *grads, int batch,
                            int time, const int32_t *inputs, const int32_t *targets,
                            const float *weights, float *logprobs);
/* Forward only; writes logprobs (optional); returns the loss. */
double gpt_score(const gpt_shape *shape, const float *params, int batch, int time,
                 const int32_t *inputs, const int32_t *targets, const float *weights,
                 float *logprobs);
/* Forward only; out[b·V..] = logits after position lengths[b]−1; `visit` (optional) sees each
 * layer's q|k|v. */
int gpt_last_logits(const gpt_shape *shape, const float *params, const int32_t *inputs, int batch,
                    int time, const int32_t *lengths, float *out, layer_visitor visit,
                    void *context);
/* One AdamW step in place (torch.optim.AdamW semantics). */
void gpt_adamw(float *params, const float *grads, float *m, float *v, const uint8_t *mask, size_t n,
               float learning_rate, float beta1, float beta2, float epsilon, float weight_decay,
               int step);
/* Frees every cached activation buffer. */
void gpt_release(void);
/* Nonzero when the last call failed to allocate memory. */
int gpt_out_of_memory(void);

/* ---- decoding with a KV cache (decode.c) ---- */

/* Floats of a cache for `batch` rows: keys, values, packed weights, step scratch, alignment. */
size_t gpt_kv_cache_floats(const gpt_shape *shape, int batch);
/* gpt_last_logits for rows 0..batch−1 that also keeps their keys and values in `cache` (made for
 * cache_batch rows) and packs the weights the decoding steps use. */
int gpt_prefill(const gpt_shape *shape, const float *params, float *cache, int cache_batch,
                const int32_t *inputs, int batch, int time, const int32_t *lengths, float *out);
/* One position for each of n rows: row rows[i] reads tokens[i] at positions[i]; out[i·V..] gets
 * the logits after it. Needs a gpt_prefill on the same cache and params first. */
int gpt_decode(const gpt_shape *shape, const float *params, float *cache, int cache_batch, int n,
               const int32_t *rows, const int32_t *positions, const int32_t *tokens, float *out);

#endif
