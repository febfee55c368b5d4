/*
 * Blocked SGEMM in the BLIS style: B is packed into KC×NR column panels (kept in L1 by the
 * micro-kernel's inner loop), A into MR×KC row panels (kept in L2), and an MR×NR register-blocked
 * micro-kernel does the FMAs. Written with GCC vector extensions so it compiles everywhere and
 * becomes AVX-512 (16 floats per register) under -march=native on machines that have it.
 */
#include "kernels.h"

#include <stdlib.h>
#include <string.h>

#ifndef GEMM_MR
#define GEMM_MR 12 /* rows of C per micro-tile: 12 × 2 accumulators = 24 of 32 zmm registers */
#endif
#define GEMM_NR 32 /* columns of C per micro-tile: two 16-float vectors */
#define GEMM_KC 256
#define GEMM_MC 192
#define GEMM_NC 512

typedef float v16 __attribute__((vector_size(64)));
typedef float v16u __attribute__((vector_size(64), aligned(4)));

#define MR GEMM_MR
#define NR GEMM_NR

static _Thread_local float *pack_a_buffer;
static _Thread_local float *pack_b_buffer;

static float *pack_buffer(float **slot, size_t floats) {
  if (*slot == NULL) *slot = aligned_alloc(64, floats * sizeof(float));
  return *slot;
}

/* Packs an mc×kc block of A into MR-row panels: panel p holds ap[(p·kc + k)·MR + r]. */
static void pack_a(int mc, int kc, const float *A, ptrdiff_t rsa, ptrdiff_t csa, float *ap) {
  for (int i0 = 0; i0 < mc; i0 += MR) {
    int m = mc - i0 < MR ? mc - i0 : MR;
    float *panel = ap + (size_t)i0 * kc;
    if (csa == 1) {
      for (int r = 0; r < m; r++) {
        const float *row = A + (i0 + r) * rsa;
        for (int k = 0; k < kc; k++) panel[k * MR + r] = row[k];
      }
    } else if (rsa == 1) {
      for (int k = 0; k < kc; k++) {
        const float *column = A + k * csa + i0;
        for (int r = 0; r < m; r++) panel[k * MR + r] = column[r];
      }
    } else {
      for (int k = 0; k < kc; k++)
        for (int r = 0; r < m; r++) panel[k * MR + r] = A[(i0 + r) * rsa + k * csa];
    }
    if (m < MR)
      for (int k = 0; k < kc; k++)
        for (int r = m; r < MR; r++) panel[k * MR + r] = 0.0f;
  }
}

/* Packs a kc×nc block of B into NR-column panels: panel p holds bp[(p·kc + k)·NR + c]. */
static void pack_b(int kc, int nc, const float *B, ptrdiff_t rsb, ptrdiff_t csb, float *bp) {
  for (int j0 = 0; j0 < nc; j0 += NR) {
    int n = nc - j0 < NR ? nc - j0 : NR;
    float *panel = bp + (size_t)j0 * kc;
    if (csb == 1) {
      for (int k = 0; k < kc; k++) {
        const float *row = B + k * rsb + j0;
        float *out = panel + k * NR;
        if (n == NR) {
          memcpy(out, row, NR * sizeof(float));
        } else {
          for (int c = 0; c < n; c++) out[c] = row[c];
          for (int c = n; c < NR; c++) out[c] = 0.0f;
        }
      }
    } else {
      for (int c = 0; c < n; c++) {
        const float *column = B + (j0 + c) * csb;
        for (int k = 0; k < kc; k++) panel[k * NR + c] = column[k * rsb];
      }
      for (int c = n; c < NR; c++)
        for (int k = 0; k < kc; k++) panel[k * NR + c] = 0.0f;
    }
  }
}

/*
 * The micro-kernel: an MR×NR tile of C from an A panel and a B panel of depth kc. `load` adds
 * the existing C; `bias` (NR floats, or NULL) is added once.
 */
static inline __attribute__((always_inline)) void micro_kernel(int kc, const float *restrict ap,
                                                               const float *restrict bp,
                                                               float *c, ptrdiff_t ldc, int load,
                                                               const float *bias) {
  v16 acc[MR][2];
  v16 init0 = {0}, init1 = {0};
  if (bias) {
    init0 = *(const v16u *)bias;
    init1 = *(const v16u *)(bias + 16);
  }
#pragma GCC unroll 16
  for (int r = 0; r < MR; r++) {
    acc[r][0] = init0;
    acc[r][1] = init1;
  }
  for (int k = 0; k < kc; k++) {
    v16 b0 = *(const v16 *)(bp + k * NR);
    v16 b1 = *(const v16 *)(bp + k * NR + 16);
    const float *a = ap + k * MR;
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++) {
      acc[r][0] += a[r] * b0;
      acc[r][1] += a[r] * b1;
    }
  }
  if (load) {
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++) {
      acc[r][0] += *(v16u *)(c + r * ldc);
      acc[r][1] += *(v16u *)(c + r * ldc + 16);
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < MR; r++) {
    *(v16u *)(c + r * ldc) = acc[r][0];
    *(v16u *)(c + r * ldc + 16) = acc[r][1];
  }
}

/* An edge tile (m < MR or n < NR): computed into a scratch tile, then the valid part copied. */
static void edge_kernel(int kc, const float *ap, const float *bp, float *c, ptrdiff_t ldc, int m,
                        int n, int load, const float *bias) {
  float tile[MR * NR] __attribute__((aligned(64)));
  float padded_bias[NR];
  if (bias) {
    for (int j = 0; j < NR; j++) padded_bias[j] = j < n ? bias[j] : 0.0f;
  }
  micro_kernel(kc, ap, bp, tile, NR, 0, bias ? padded_bias : NULL);
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++) c[i * ldc + j] = (load ? c[i * ldc + j] : 0.0f) + tile[i * NR + j];
}

void sgemm(const gemm_args *g) {
  const int M = g->M, N = g->N, K = g->K;
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    for (int i = 0; i < M; i++)
      for (int j = 0; j < N; j++)
        g->C[i * g->ldc + j] = (g->accumulate ? g->C[i * g->ldc + j] : 0.0f) +
                               (g->bias ? g->bias[j] : 0.0f);
    return;
  }
  float *ap = pack_buffer(&pack_a_buffer, (size_t)(GEMM_MC + MR) * GEMM_KC);
  float *bp = pack_buffer(&pack_b_buffer, (size_t)GEMM_KC * (GEMM_NC + NR));
  for (int jc = 0; jc < N; jc += GEMM_NC) {
    int nc = N - jc < GEMM_NC ? N - jc : GEMM_NC;
    for (int pc = 0; pc < K; pc += GEMM_KC) {
      int kc = K - pc < GEMM_KC ? K - pc : GEMM_KC;
      pack_b(kc, nc, g->B + pc * g->rsb + jc * g->csb, g->rsb, g->csb, bp);
      int first = pc == 0;
      int load = g->accumulate || !first;
      for (int ic = 0; ic < M; ic += GEMM_MC) {
        int mc = M - ic < GEMM_MC ? M - ic : GEMM_MC;
        pack_a(mc, kc, g->A + ic * g->rsa + pc * g->csa, g->rsa, g->csa, ap);
        for (int jr = 0; jr < nc; jr += NR) {
          int n = nc - jr < NR ? nc - jr : NR;
          const float *bias = first && g->bias ? g->bias + jc + jr : NULL;
          const float *b_panel = bp + (size_t)jr * kc;
          for (int ir = 0; ir < mc; ir += MR) {
            int m = mc - ir < MR ? mc - ir : MR;
            float *c = g->C + (ic + ir) * g->ldc + jc + jr;
            const float *a_panel = ap + (size_t)ir * kc;
            if (m == MR && n == NR)
              micro_kernel(kc, a_panel, b_panel, c, g->ldc, load, bias);
            else
              edge_kernel(kc, a_panel, b_panel, c, g->ldc, m, n, load, bias);
          }
        }
      }
    }
  }
}

static void gemm_task(void *context, int thread, int threads) {
  const gemm_args *g = context;
  gemm_args part = *g;
  int begin, end;
  /* Split the longer side; each thread packs its own operands (cheap next to the FMAs). */
  if (g->M / MR >= g->N / NR) {
    pool_split(g->M, threads, thread, MR, &begin, &end);
    part.M = end - begin;
    part.A = g->A + begin * g->rsa;
    part.C = g->C + begin * g->ldc;
  } else {
    pool_split(g->N, threads, thread, NR, &begin, &end);
    part.N = end - begin;
    part.B = g->B + begin * g->csb;
    part.C = g->C + begin;
    if (g->bias) part.bias = g->bias + begin;
  }
  sgemm(&part);
}

void sgemm_parallel(const gemm_args *g) {
  long long work = (long long)g->M * g->N * g->K;
  if (pool_threads() == 1 || work < 32 * 32 * 64) {
    sgemm(g);
    return;
  }
  pool_run(gemm_task, (void *)g);
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
