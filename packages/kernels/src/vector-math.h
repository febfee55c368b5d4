/*
 * Vectorised exp, softmax and GELU for 16-float vectors (GCC vector extensions: one zmm register
 * under AVX-512, two ymm under AVX2). exp is Cephes' expf polynomial with magic-number rounding:
 * within ~2 ulp of libm on the clamped range, which is all softmax and GELU need.
 */
#ifndef OVERSEER_VECTOR_MATH_H
#define OVERSEER_VECTOR_MATH_H

#include <math.h>
#include <string.h>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

typedef float v16f __attribute__((vector_size(64)));
typedef float v16fu __attribute__((vector_size(64), aligned(4)));
typedef int v16i __attribute__((vector_size(64)));

static inline v16f v16_splat(float x) { return (v16f){0} + x; }

/* Lane-wise select: mask lanes are all ones (true) or zero, as vector comparisons return. */
static inline v16f v16_select(v16i mask, v16f yes, v16f no) {
  return (v16f)(((v16i)yes & mask) | ((v16i)no & ~mask));
}

static inline v16f v16_min(v16f a, v16f b) { return v16_select(a < b, a, b); }
static inline v16f v16_max(v16f a, v16f b) { return v16_select(a > b, a, b); }

static inline v16f v16_load(const float *p) { return *(const v16fu *)p; }
static inline void v16_store(float *p, v16f x) { *(v16fu *)p = x; }

static inline v16f v16_exp(v16f x) {
  x = v16_min(x, v16_splat(88.3762626647949f));
  /* −87 (not −87.34) keeps the result a normal float: denormals cost microcode assists. */
  x = v16_max(x, v16_splat(-87.0f));
  const v16f magic = v16_splat(12582912.0f); /* 1.5·2^23: adding it rounds to an integer */
  v16f n = (x * 1.44269504088896341f + magic) - magic;
  v16f r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  v16f p = v16_splat(1.9875691500E-4f);
  p = p * r + 1.3981999507E-3f;
  p = p * r + 8.3334519073E-3f;
  p = p * r + 4.1665795894E-2f;
  p = p * r + 1.6666665459E-1f;
  p = p * r + 5.0000001201E-1f;
  p = p * r * r + r + 1.0f;
  v16i e = (__builtin_convertvector(n, v16i) + 127) << 23;
  v16f scale;
  memcpy(&scale, &e, sizeof scale);
  return p * scale;
}

/* exp of n floats in place. */
static inline void exp_inplace(float *x, int n) {
  int i = 0;
  for (; i + 16 <= n; i += 16) v16_store(x + i, v16_exp(v16_load(x + i)));
  if (i < n) {
    float tail[16] = {0};
    memcpy(tail, x + i, (size_t)(n - i) * sizeof(float));
    v16f y = v16_exp(v16_load(tail));
    memcpy(x + i, &y, (size_t)(n - i) * sizeof(float));
  }
}

/* Σ x[0 … n). */
static inline float sum_floats(const float *x, int n) {
  v16f acc = {0};
  int i = 0;
  for (; i + 16 <= n; i += 16) acc += v16_load(x + i);
  float total = 0.0f;
  for (int j = 0; j < 16; j++) total += acc[j];
  for (; i < n; i++) total += x[i];
  return total;
}

/* max x[0 … n), n ≥ 1. */
static inline float max_floats(const float *x, int n) {
  int i = 0;
  float max = x[0];
  if (n >= 16) {
    v16f acc = v16_load(x);
    for (i = 16; i + 16 <= n; i += 16) acc = v16_max(acc, v16_load(x + i));
    for (int k = 0; k < 16; k++) max = acc[k] > max ? acc[k] : max;
  }
  for (; i < n; i++) max = x[i] > max ? x[i] : max;
  return max;
}

/*
 * 1/x: the AVX-512 14-bit estimate refined by one Newton step (≈ full float precision), several
 * times cheaper than a vector division; plain division elsewhere.
 */
static inline v16f v16_reciprocal(v16f x) {
#if defined(__AVX512F__)
  v16f r = (v16f)_mm512_rcp14_ps((__m512)x);
  return r * (2.0f - x * r);
#else
  return 1.0f / x;
#endif
}

#define GELU_SCALE 0.7978845608028654f /* sqrt(2/π) */

/* GELU-tanh written as x·σ(2u), u = √(2/π)(x + 0.044715x³): one exp and one division. */
static inline v16f v16_gelu(v16f x) {
  v16f u = GELU_SCALE * (x + 0.044715f * x * x * x);
  return x * v16_reciprocal(1.0f + v16_exp(-2.0f * u));
}

/* d GELU / dx = s + 2x·s(1−s)·√(2/π)(1 + 3·0.044715x²), with s = σ(2u). */
static inline v16f v16_gelu_derivative(v16f x) {
  v16f u = GELU_SCALE * (x + 0.044715f * x * x * x);
  v16f s = v16_reciprocal(1.0f + v16_exp(-2.0f * u));
  return s + 2.0f * x * s * (1.0f - s) * GELU_SCALE * (1.0f + 0.134145f * x * x);
}

/* Flush-to-zero + denormals-are-zero while the kernels run; restored for JavaScript afterwards. */
#if defined(__SSE__)
#include <xmmintrin.h>
#define FLOAT_MODE_ENTER()                          \
  unsigned int saved_float_mode = _mm_getcsr();     \
  _mm_setcsr(saved_float_mode | 0x8040)
#define FLOAT_MODE_LEAVE() _mm_setcsr(saved_float_mode)
#else
#define FLOAT_MODE_ENTER() ((void)0)
#define FLOAT_MODE_LEAVE() ((void)0)
#endif

static inline float gelu(float x) {
  float u = GELU_SCALE * (x + 0.044715f * x * x * x);
  return 0.5f * x * (1.0f + tanhf(u));
}

static inline float gelu_derivative(float x) {
  float u = GELU_SCALE * (x + 0.044715f * x * x * x), t = tanhf(u);
  return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * GELU_SCALE * (1.0f + 0.134145f * x * x);
}

#endif
