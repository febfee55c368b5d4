/*
 * Blocked SGEMM in the BLIS style: B is packed into KC×NR column panels (kept in L1 by the
 * micro-kernel's inner loop), A into MR×KC row panels (kept in L2), and an MR×NR register-blocked
 * micro-kernel does the FMAs. Written with GCC vector extensions so it compiles everywhere and
 * becomes AVX-512 (16 floats per register) under -march=native on machines that have it.
 */
#include "kernels.h"
#include "vector-math.h"

#include <stdlib.h>
#include <string.h>

#ifndef GEMM_MR
#define GEMM_MR 12 /* rows of C per micro-tile: 12 × 2 accumulators = 24 of 32 zmm registers */
#endif
#define GEMM_NR 32 /* columns of C per micro-tile: two 16-float vectors */
#define GEMM_KC 256
#define GEMM_MC 192
#define GEMM_NC 512
#ifndef GEMM_PARTS_PER_THREAD
#define GEMM_PARTS_PER_THREAD 1
#endif

typedef v16f v16;
typedef v16fu v16u;

#define MR GEMM_MR
#define NR GEMM_NR

static _Thread_local float *pack_a_buffer;
static _Thread_local float *pack_b_buffer;

static float *pack_buffer(float **slot, size_t floats) {
  if (*slot == NULL) *slot = aligned_alloc(64, floats * sizeof(float));
  return *slot;
}

/*
 * Packs an mc×kc block of A into MR-row panels: panel p holds ap[(p·kc + k)·MR + r]. With `sums`,
 * also adds each row's values to sums[row] (the bias gradient rides along with the copy).
 */
static void pack_a(int mc, int kc, const float *A, ptrdiff_t rsa, ptrdiff_t csa, float *ap,
                   float *sums) {
  const int panels = (mc + MR - 1) / MR;
  if (rsa == 1) {
    /* Aᵀ stored row-major (weight gradients): read each source row once, front to back. */
    if (mc % MR != 0) memset(ap + (size_t)(panels - 1) * kc * MR, 0, (size_t)kc * MR * 4);
    for (int k = 0; k < kc; k++) {
      const float *row = A + k * csa;
      for (int p = 0; p < panels; p++) {
        const int i0 = p * MR, m = mc - i0 < MR ? mc - i0 : MR;
        float *out = ap + ((size_t)p * kc + k) * MR;
        if (m == MR)
          memcpy(out, row + i0, MR * sizeof(float));
        else
          for (int r = 0; r < m; r++) out[r] = row[i0 + r];
      }
    }
  } else {
    for (int p = 0; p < panels; p++) {
      const int i0 = p * MR, m = mc - i0 < MR ? mc - i0 : MR;
      float *panel = ap + (size_t)i0 * kc;
      for (int r = 0; r < m; r++) {
        const float *row = A + (i0 + r) * rsa;
        for (int k = 0; k < kc; k++) panel[k * MR + r] = row[k * csa];
      }
      for (int k = 0; k < kc; k++)
        for (int r = m; r < MR; r++) panel[k * MR + r] = 0.0f;
    }
  }
  if (sums) {
    /* Summed from the packed copy while it is still in L1/L2. */
    for (int p = 0; p < panels; p++) {
      const int i0 = p * MR, m = mc - i0 < MR ? mc - i0 : MR;
      const float *panel = ap + (size_t)i0 * kc;
      float total[MR] = {0};
      for (int k = 0; k < kc; k++)
        for (int r = 0; r < MR; r++) total[r] += panel[k * MR + r];
      for (int r = 0; r < m; r++) sums[i0 + r] += total[r];
    }
  }
}

/* Packs a kc×nc block of B into NR-column panels: panel p holds bp[(p·kc + k)·NR + c]. */
static void pack_b(int kc, int nc, const float *B, ptrdiff_t rsb, ptrdiff_t csb, float *bp) {
  const int panels = (nc + NR - 1) / NR;
  if (csb == 1) {
    /* Row-major B: read each source row once, front to back. */
    for (int k = 0; k < kc; k++) {
      const float *row = B + k * rsb;
      for (int p = 0; p < panels; p++) {
        const int j0 = p * NR, n = nc - j0 < NR ? nc - j0 : NR;
        float *out = bp + ((size_t)p * kc + k) * NR;
        if (n == NR) {
          memcpy(out, row + j0, NR * sizeof(float));
        } else {
          for (int c = 0; c < n; c++) out[c] = row[j0 + c];
          for (int c = n; c < NR; c++) out[c] = 0.0f;
        }
      }
    }
  } else {
    for (int p = 0; p < panels; p++) {
      const int j0 = p * NR, n = nc - j0 < NR ? nc - j0 : NR;
      float *panel = bp + (size_t)j0 * kc;
      for (int c = 0; c < n; c++) {
        const float *column = B + (j0 + c) * csb;
        for (int k = 0; k < kc; k++) panel[k * NR + c] = column[k * rsb];
      }
      for (int c = n; c < NR; c++)
        for (int k = 0; k < kc; k++) panel[k * NR + c] = 0.0f;
    }
  }
}

/* What a micro-tile does besides the FMAs. */
typedef struct {
  const float *add; /* MR×NR tile added once (C itself when accumulating, or a residual) */
  ptrdiff_t ldadd;
  const float *bias; /* NR floats added once */
  gemm_epilogue epilogue;
  const float *aux; /* GELU input for EPILOGUE_GELU_BACKWARD, row stride ldc */
  float *out2;      /* GELU output for EPILOGUE_GELU, row stride ldc */
} tile_extras;

/*
 * The micro-kernel: an MR×NR tile of C from A and a packed B panel of depth kc. A element (r, k)
 * is a[r·rs + k·ks]: a packed panel (rs = 1, ks = MR) or, when A is row-major, A itself (rs = its
 * row stride, ks = 1) — the broadcasts then read MR rows directly and A needs no packing.
 */
static inline __attribute__((always_inline)) void micro_kernel(int kc, const float *restrict a,
                                                               ptrdiff_t rs, ptrdiff_t ks,
                                                               const float *restrict bp,
                                                               float *c, ptrdiff_t ldc,
                                                               const tile_extras *x,
                                                               const int rows) {
  v16 acc[MR][2];
  v16 init0 = {0}, init1 = {0};
  if (x->bias) {
    init0 = *(const v16u *)x->bias;
    init1 = *(const v16u *)(x->bias + 16);
  }
#pragma GCC unroll 16
  for (int r = 0; r < rows; r++) {
    acc[r][0] = init0;
    acc[r][1] = init1;
  }
  for (int k = 0; k < kc; k++) {
    v16 b0 = *(const v16 *)(bp + k * NR);
    v16 b1 = *(const v16 *)(bp + k * NR + 16);
#pragma GCC unroll 16
    for (int r = 0; r < rows; r++) {
      const float v = a[r * rs + k * ks];
      acc[r][0] += v * b0;
      acc[r][1] += v * b1;
    }
  }
  if (x->add) {
#pragma GCC unroll 16
    for (int r = 0; r < rows; r++) {
      acc[r][0] += *(const v16u *)(x->add + r * x->ldadd);
      acc[r][1] += *(const v16u *)(x->add + r * x->ldadd + 16);
    }
  }
  if (x->epilogue == EPILOGUE_GELU_BACKWARD) {
    for (int r = 0; r < rows; r++) {
      acc[r][0] *= v16_gelu_derivative(*(const v16u *)(x->aux + r * ldc));
      acc[r][1] *= v16_gelu_derivative(*(const v16u *)(x->aux + r * ldc + 16));
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < rows; r++) {
    *(v16u *)(c + r * ldc) = acc[r][0];
    *(v16u *)(c + r * ldc + 16) = acc[r][1];
  }
  if (x->epilogue == EPILOGUE_GELU) {
    for (int r = 0; r < rows; r++) {
      *(v16u *)(x->out2 + r * ldc) = v16_gelu(acc[r][0]);
      *(v16u *)(x->out2 + r * ldc + 16) = v16_gelu(acc[r][1]);
    }
  }
}

static void kernel_packed(int kc, const float *ap, const float *bp, float *c, ptrdiff_t ldc,
                          const tile_extras *x) {
  micro_kernel(kc, ap, 1, MR, bp, c, ldc, x, MR);
}

static void kernel_direct(int kc, const float *a, ptrdiff_t rsa, const float *bp, float *c,
                          ptrdiff_t ldc, const tile_extras *x) {
  micro_kernel(kc, a, rsa, 1, bp, c, ldc, x, MR);
}

/* Row remainders: every M in these models is 12·q + 0, 4 or 8, so 8- and 4-row tiles cover them. */
static void kernel_packed_8(int kc, const float *ap, const float *bp, float *c, ptrdiff_t ldc,
                            const tile_extras *x) {
  micro_kernel(kc, ap, 1, MR, bp, c, ldc, x, 8);
}

static void kernel_direct_8(int kc, const float *a, ptrdiff_t rsa, const float *bp, float *c,
                            ptrdiff_t ldc, const tile_extras *x) {
  micro_kernel(kc, a, rsa, 1, bp, c, ldc, x, 8);
}

static void kernel_packed_4(int kc, const float *ap, const float *bp, float *c, ptrdiff_t ldc,
                            const tile_extras *x) {
  micro_kernel(kc, ap, 1, MR, bp, c, ldc, x, 4);
}

static void kernel_direct_4(int kc, const float *a, ptrdiff_t rsa, const float *bp, float *c,
                            ptrdiff_t ldc, const tile_extras *x) {
  micro_kernel(kc, a, rsa, 1, bp, c, ldc, x, 4);
}

/*
 * An edge tile (m < MR or n < NR): A's rows are copied into a zero-padded MR-row panel when A is
 * direct, the plain product goes to a scratch tile, and the extras are applied element by element
 * on the valid part only.
 */
static void edge_kernel(int kc, const float *a, ptrdiff_t rsa, int direct, const float *bp,
                        float *c, ptrdiff_t ldc, int m, int n, const tile_extras *x) {
  float tile[MR * NR] __attribute__((aligned(64)));
  const tile_extras plain = {NULL, 0, NULL, EPILOGUE_NONE, NULL, NULL};
  if (direct) {
    float rows[MR * GEMM_KC] __attribute__((aligned(64)));
    for (int r = 0; r < MR; r++)
      for (int k = 0; k < kc; k++) rows[r * kc + k] = r < m ? a[r * rsa + k] : 0.0f;
    kernel_direct(kc, rows, kc, bp, tile, NR, &plain);
  } else {
    kernel_packed(kc, a, bp, tile, NR, &plain);
  }
  for (int i = 0; i < m; i++) {
    for (int j = 0; j < n; j++) {
      float value = tile[i * NR + j];
      if (x->bias) value += x->bias[j];
      if (x->add) value += x->add[i * x->ldadd + j];
      if (x->epilogue == EPILOGUE_GELU_BACKWARD) value *= gelu_derivative(x->aux[i * ldc + j]);
      c[i * ldc + j] = value;
      if (x->epilogue == EPILOGUE_GELU) x->out2[i * ldc + j] = gelu(value);
    }
  }
}

void sgemm(const gemm_args *g) {
  const int M = g->M, N = g->N, K = g->K;
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    for (int i = 0; i < M; i++)
      for (int j = 0; j < N; j++)
        g->C[i * g->ldc + j] = (g->accumulate ? g->C[i * g->ldc + j] : 0.0f) +
                               (g->residual ? g->residual[i * g->ldc + j] : 0.0f) +
                               (g->bias ? g->bias[j] : 0.0f);
    return;
  }
  /* Row-major A is read in place; anything else (a transposed A in weight gradients) is packed. */
  const int direct = g->csa == 1;
  if (g->a_row_sums) {
    for (int i = 0; i < M; i++) g->a_row_sums[i] = 0.0f;
    if (direct)
      for (int i = 0; i < M; i++)
        for (int k = 0; k < K; k++) g->a_row_sums[i] += g->A[i * g->rsa + k];
  }
  float *ap = direct ? NULL : pack_buffer(&pack_a_buffer, (size_t)(GEMM_MC + MR) * GEMM_KC);
  float *bp = g->packed_b ? NULL : pack_buffer(&pack_b_buffer, (size_t)GEMM_KC * (GEMM_NC + NR));
  for (int jc = 0; jc < N; jc += GEMM_NC) {
    int nc = N - jc < GEMM_NC ? N - jc : GEMM_NC;
    for (int pc = 0; pc < K; pc += GEMM_KC) {
      int kc = K - pc < GEMM_KC ? K - pc : GEMM_KC;
      if (!g->packed_b) pack_b(kc, nc, g->B + pc * g->rsb + jc * g->csb, g->rsb, g->csb, bp);
      const int first = pc == 0, final = pc + kc >= K;
      for (int ic = 0; ic < M; ic += GEMM_MC) {
        int mc = M - ic < GEMM_MC ? M - ic : GEMM_MC;
        const float *a_block = g->A + ic * g->rsa + pc * g->csa;
        if (!direct)
          pack_a(mc, kc, a_block, g->rsa, g->csa, ap,
                 g->a_row_sums && jc == 0 ? g->a_row_sums + ic : NULL);
        for (int jr = 0; jr < nc; jr += NR) {
          int n = nc - jr < NR ? nc - jr : NR;
          /* A pre-packed B holds whole-K panels: this block's rows start pc rows into one. */
          const float *b_panel = g->packed_b ? g->packed_b + (size_t)(jc + jr) * K + (size_t)pc * NR
                                             : bp + (size_t)jr * kc;
          for (int ir = 0; ir < mc; ir += MR) {
            int m = mc - ir < MR ? mc - ir : MR;
            const ptrdiff_t at = (ic + ir) * g->ldc + jc + jr;
            float *c = g->C + at;
            const float *a = direct ? a_block + ir * g->rsa : ap + (size_t)ir * kc;
            tile_extras x = {NULL, g->ldc, NULL, EPILOGUE_NONE, NULL, NULL};
            if (g->accumulate || !first) x.add = c;
            else if (g->residual) x.add = g->residual + at;
            if (first && g->bias) x.bias = g->bias + jc + jr;
            if (final && g->epilogue != EPILOGUE_NONE) {
              x.epilogue = g->epilogue;
              if (g->aux) x.aux = g->aux + at;
              if (g->out2) x.out2 = g->out2 + at;
            }
            if (m == MR && n == NR) {
              if (direct)
                kernel_direct(kc, a, g->rsa, b_panel, c, g->ldc, &x);
              else
                kernel_packed(kc, a, b_panel, c, g->ldc, &x);
            } else if (m == 8 && n == NR && MR > 8) {
              if (direct)
                kernel_direct_8(kc, a, g->rsa, b_panel, c, g->ldc, &x);
              else
                kernel_packed_8(kc, a, b_panel, c, g->ldc, &x);
            } else if (m == 4 && n == NR && MR > 4) {
              if (direct)
                kernel_direct_4(kc, a, g->rsa, b_panel, c, g->ldc, &x);
              else
                kernel_packed_4(kc, a, b_panel, c, g->ldc, &x);
            } else {
              edge_kernel(kc, a, g->rsa, direct, b_panel, c, g->ldc, m, n, &x);
            }
          }
        }
      }
    }
  }
}

static void gemm_task(void *context, int part, int parts) {
  const gemm_args *g = context;
  gemm_args piece = *g;
  int begin, end;
  /* Split the longer side; each thread packs its own operands (cheap next to the FMAs). */
  if (g->M / MR >= g->N / NR) {
    pool_split(g->M, parts, part, MR, &begin, &end);
    piece.M = end - begin;
    piece.A = g->A + begin * g->rsa;
    piece.C = g->C + begin * g->ldc;
    if (g->residual) piece.residual = g->residual + begin * g->ldc;
    if (g->aux) piece.aux = g->aux + begin * g->ldc;
    if (g->out2) piece.out2 = g->out2 + begin * g->ldc;
    if (g->a_row_sums) piece.a_row_sums = g->a_row_sums + begin;
  } else {
    pool_split(g->N, parts, part, NR, &begin, &end);
    piece.N = end - begin;
    piece.B = g->B + begin * g->csb;
    if (g->packed_b) piece.packed_b = g->packed_b + (size_t)begin * g->K;
    piece.C = g->C + begin;
    if (g->bias) piece.bias = g->bias + begin;
    if (g->residual) piece.residual = g->residual + begin;
    if (g->aux) piece.aux = g->aux + begin;
    if (g->out2) piece.out2 = g->out2 + begin;
    /* Every part sees all of A's rows: one of them sums them. */
    if (part != 0) piece.a_row_sums = NULL;
  }
  sgemm(&piece);
}

void sgemm_parallel(const gemm_args *g) {
  long long work = (long long)g->M * g->N * g->K;
  if (pool_threads() == 1 || work < 32 * 32 * 64) {
    sgemm(g);
    return;
  }
  /* Each part packs its own operands, so GEMMs get few parts (measured: one per thread). */
  const int units = g->M / MR >= g->N / NR ? (g->M + MR - 1) / MR : (g->N + NR - 1) / NR;
  int parts = GEMM_PARTS_PER_THREAD * pool_threads();
  parts = parts < units ? parts : units;
  pool_run_parts(gemm_task, (void *)g, parts > 1 ? parts : 1);
}

size_t sgemm_packed_b_floats(int K, int N) { return (size_t)K * (size_t)((N + NR - 1) / NR * NR); }

void sgemm_pack_b(int K, int N, const float *B, ptrdiff_t rsb, ptrdiff_t csb, float *out) {
  /* pack_b's layout with kc = K is exactly the whole-K panels sgemm reads through packed_b. */
  pack_b(K, N, B, rsb, csb, out);
}

const char *sgemm_isa(void) {
#if defined(__AVX512F__)
  return "avx512";
#elif defined(__AVX2__)
  return "avx2";
#elif defined(__AVX__)
  return "avx";
#elif defined(__SSE2__)
  return "sse2";
#else
  return "generic";
#endif
}
