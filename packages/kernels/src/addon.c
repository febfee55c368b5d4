/*
 * Node-API glue: unwraps typed arrays (no copies: the kernels read and write the JS buffers in
 * place), re-checks buffer sizes so a wrong call throws instead of corrupting memory, and calls
 * into model.c. The TypeScript wrapper does the friendly validation; these checks are the backstop.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <pthread.h>
#include <stdio.h>

#include "kernels.h"
#include "vector-math.h"

#define CHECK(call)                                             \
  do {                                                          \
    if ((call) != napi_ok) {                                    \
      napi_throw_error(env, "kernels.napi", "Node-API call failed: " #call); \
      return NULL;                                              \
    }                                                           \
  } while (0)

/* Reads a typed array of `type` with at least `length` elements (or exactly, when exact). */
static int typed(napi_env env, napi_value value, napi_typedarray_type type, size_t length,
                 int optional, void **data, const char *what) {
  napi_valuetype kind;
  *data = NULL;
  if (napi_typeof(env, value, &kind) != napi_ok) return 0;
  if (optional && (kind == napi_undefined || kind == napi_null)) return 1;
  bool is_typed = false;
  napi_is_typedarray(env, value, &is_typed);
  char message[160];
  if (!is_typed) {
    snprintf(message, sizeof message, "%s must be a typed array", what);
    napi_throw_type_error(env, "kernels.invalid-input", message);
    return 0;
  }
  napi_typedarray_type actual;
  size_t count;
  if (napi_get_typedarray_info(env, value, &actual, &count, data, NULL, NULL) != napi_ok) return 0;
  if (actual != type || count != length) {
    snprintf(message, sizeof message, "%s has the wrong type or length (%zu, expected %zu)", what,
             count, length);
    napi_throw_range_error(env, "kernels.invalid-input", message);
    return 0;
  }
  return 1;
}

static int integer(napi_env env, napi_value value, int *out) {
  return napi_get_value_int32(env, value, out) == napi_ok;
}

static int number(napi_env env, napi_value value, double *out) {
  return napi_get_value_double(env, value, out) == napi_ok;
}

/* The kernels share caches and one thread pool: calls from several JS threads take turns. */
static pthread_mutex_t call_lock = PTHREAD_MUTEX_INITIALIZER;

/* Token ids index wte: an id out of range would read outside it, so they are checked here too. */
static int check_tokens(napi_env env, const int32_t *ids, size_t n, int lowest, int vocab,
                        const char *what) {
  for (size_t i = 0; i < n; i++) {
    if (ids[i] < lowest || ids[i] >= vocab) {
      char message[120];
      snprintf(message, sizeof message, "%s[%zu] = %d is out of range", what, i, ids[i]);
      napi_throw_range_error(env, "kernels.invalid-input", message);
      return 0;
    }
  }
  return 1;
}

/* Each row's length lies in [1, time] and its tokens before it are ids. */
static int check_lengths(napi_env env, const int32_t *inputs, const int32_t *lengths, int batch,
                         int time, int vocab) {
  for (int b = 0; b < batch; b++) {
    if (lengths[b] < 1 || lengths[b] > time) {
      napi_throw_range_error(env, "kernels.invalid-input", "lengths must lie in [1, time]");
      return 0;
    }
    if (!check_tokens(env, inputs + (size_t)b * time, (size_t)lengths[b], 0, vocab, "inputs"))
      return 0;
  }
  return 1;
}

static size_t parameter_count(const gpt_shape *s) {
  size_t C = (size_t)s->width;
  return (size_t)s->vocab * C + (size_t)s->context * C +
         (size_t)s->layers * (12 * C * C + 13 * C) + 2 * C;
}

static int read_shape(napi_env env, napi_value value, gpt_shape *shape) {
  int32_t *data;
  if (!typed(env, value, napi_int32_array, 5, 0, (void **)&data, "shape")) return 0;
  shape->vocab = data[0], shape->context = data[1], shape->layers = data[2];
  shape->heads = data[3], shape->width = data[4];
  if (shape->vocab < 1 || shape->context < 1 || shape->layers < 1 || shape->heads < 1 ||
      shape->width < 1 || shape->width % shape->heads != 0) {
    napi_throw_range_error(env, "kernels.invalid-input", "invalid GPT shape");
    return 0;
  }
  return 1;
}

static int read_dimensions(napi_env env, napi_value batch_value, napi_value time_value,
                           const gpt_shape *shape, int *batch, int *time) {
  if (!integer(env, batch_value, batch) || !integer(env, time_value, time) || *batch < 1 ||
      *time < 1 || *time > shape->context) {
    napi_throw_range_error(env, "kernels.invalid-input",
                           "batch must be ≥ 1 and time in [1, contextLength]");
    return 0;
  }
  return 1;
}

static napi_value loss_result(napi_env env, double loss) {
  if (gpt_out_of_memory()) {
    napi_throw_error(env, "kernels.out-of-memory", "native kernels ran out of memory");
    return NULL;
  }
  napi_value result;
  napi_create_double(env, loss, &result);
  return result;
}

/* forwardBackward(shape, params, grads, batch, time, inputs, targets, weights?, logProbs?) */
static napi_value forward_backward(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  gpt_shape shape;
  int batch, time;
  float *params, *grads, *weights, *logprobs;
  int32_t *inputs, *targets;
  if (argc < 9 || !read_shape(env, argv[0], &shape)) return NULL;
  size_t count = parameter_count(&shape);
  if (!typed(env, argv[1], napi_float32_array, count, 0, (void **)&params, "params") ||
      !typed(env, argv[2], napi_float32_array, count, 0, (void **)&grads, "grads") ||
      !read_dimensions(env, argv[3], argv[4], &shape, &batch, &time))
    return NULL;
  size_t n = (size_t)batch * time;
  if (!typed(env, argv[5], napi_int32_array, n, 0, (void **)&inputs, "inputs") ||
      !typed(env, argv[6], napi_int32_array, n, 0, (void **)&targets, "targets") ||
      !typed(env, argv[7], napi_float32_array, n, 1, (void **)&weights, "weights") ||
      !typed(env, argv[8], napi_float32_array, n, 1, (void **)&logprobs, "logProbs") ||
      !check_tokens(env, inputs, n, 0, shape.vocab, "inputs") ||
      !check_tokens(env, targets, n, -1, shape.vocab, "targets"))
    return NULL;
  pthread_mutex_lock(&call_lock);
  FLOAT_MODE_ENTER();
  double loss = gpt_forward_backward(&shape, params, grads, batch, time, inputs, targets, weights,
                                     logprobs);
  FLOAT_MODE_LEAVE();
  pthread_mutex_unlock(&call_lock);
  return loss_result(env, loss);
}

/* score(shape, params, batch, time, inputs, targets, weights?, logProbs) */
static napi_value score(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  gpt_shape shape;
  int batch, time;
  float *params, *weights, *logprobs;
  int32_t *inputs, *targets;
  if (argc < 8 || !read_shape(env, argv[0], &shape)) return NULL;
  if (!typed(env, argv[1], napi_float32_array, parameter_count(&shape), 0, (void **)&params,
             "params") ||
      !read_dimensions(env, argv[2], argv[3], &shape, &batch, &time))
    return NULL;
  size_t n = (size_t)batch * time;
  if (!typed(env, argv[4], napi_int32_array, n, 0, (void **)&inputs, "inputs") ||
      !typed(env, argv[5], napi_int32_array, n, 0, (void **)&targets, "targets") ||
      !typed(env, argv[6], napi_float32_array, n, 1, (void **)&weights, "weights") ||
      !typed(env, argv[7], napi_float32_array, n, 0, (void **)&logprobs, "logProbs") ||
      !check_tokens(env, inputs, n, 0, shape.vocab, "inputs") ||
      !check_tokens(env, targets, n, -1, shape.vocab, "targets"))
    return NULL;
  pthread_mutex_lock(&call_lock);
  FLOAT_MODE_ENTER();
  double loss = gpt_score(&shape, params, batch, time, inputs, targets, weights, logprobs);
  FLOAT_MODE_LEAVE();
  pthread_mutex_unlock(&call_lock);
  return loss_result(env, loss);
}

/* lastLogits(shape, params, inputs, batch, time, lengths, out) */
static napi_value last_logits(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  gpt_shape shape;
  int batch, time;
  float *params, *out;
  int32_t *inputs, *lengths;
  if (argc < 7 || !read_shape(env, argv[0], &shape)) return NULL;
  if (!typed(env, argv[1], napi_float32_array, parameter_count(&shape), 0, (void **)&params,
             "params") ||
      !read_dimensions(env, argv[3], argv[4], &shape, &batch, &time))
    return NULL;
  if (!typed(env, argv[2], napi_int32_array, (size_t)batch * time, 0, (void **)&inputs,
             "inputs") ||
      !typed(env, argv[5], napi_int32_array, (size_t)batch, 0, (void **)&lengths, "lengths") ||
      !typed(env, argv[6], napi_float32_array, (size_t)batch * shape.vocab, 0, (void **)&out,
             "out"))
    return NULL;
  if (!check_lengths(env, inputs, lengths, batch, time, shape.vocab)) return NULL;
  pthread_mutex_lock(&call_lock);
  FLOAT_MODE_ENTER();
  int ok = gpt_last_logits(&shape, params, inputs, batch, time, lengths, out, NULL, NULL);
  FLOAT_MODE_LEAVE();
  pthread_mutex_unlock(&call_lock);
  if (!ok) napi_throw_error(env, "kernels.out-of-memory", "native kernels ran out of memory");
  return NULL;
}

/* Reads a cache's row count and checks its buffer is exactly gpt_kv_cache_floats long. */
static int read_cache(napi_env env, napi_value cache_value, napi_value batch_value,
                      const gpt_shape *shape, float **cache, int *cache_batch) {
  if (!integer(env, batch_value, cache_batch) || *cache_batch < 1) {
    napi_throw_range_error(env, "kernels.invalid-input", "a KV cache holds at least one row");
    return 0;
  }
  size_t floats = gpt_kv_cache_floats(shape, *cache_batch);
  if (floats == 0) {
    napi_throw_range_error(env, "kernels.invalid-input", "too many layers for a KV cache");
    return 0;
  }
  return typed(env, cache_value, napi_float32_array, floats, 0, (void **)cache, "cache");
}

/* kvCacheFloats(shape, batch) → floats of a KV cache for `batch` rows */
static napi_value kv_cache_floats(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], result;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  gpt_shape shape;
  int batch;
  if (argc < 2 || !read_shape(env, argv[0], &shape)) return NULL;
  if (!integer(env, argv[1], &batch) || batch < 1) {
    napi_throw_range_error(env, "kernels.invalid-input", "a KV cache holds at least one row");
    return NULL;
  }
  CHECK(napi_create_double(env, (double)gpt_kv_cache_floats(&shape, batch), &result));
  return result;
}

/* prefill(shape, params, cache, cacheBatch, inputs, batch, time, lengths, out) */
static napi_value prefill(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  gpt_shape shape;
  int cache_batch, batch, time;
  float *params, *cache, *out;
  int32_t *inputs, *lengths;
  if (argc < 9 || !read_shape(env, argv[0], &shape)) return NULL;
  if (!typed(env, argv[1], napi_float32_array, parameter_count(&shape), 0, (void **)&params,
             "params") ||
      !read_cache(env, argv[2], argv[3], &shape, &cache, &cache_batch) ||
      !read_dimensions(env, argv[5], argv[6], &shape, &batch, &time))
    return NULL;
  if (batch > cache_batch) {
    napi_throw_range_error(env, "kernels.invalid-input", "batch exceeds the cache's rows");
    return NULL;
  }
  if (!typed(env, argv[4], napi_int32_array, (size_t)batch * time, 0, (void **)&inputs,
             "inputs") ||
      !typed(env, argv[7], napi_int32_array, (size_t)batch, 0, (void **)&lengths, "lengths") ||
      !typed(env, argv[8], napi_float32_array, (size_t)batch * shape.vocab, 0, (void **)&out,
             "out") ||
      !check_lengths(env, inputs, lengths, batch, time, shape.vocab))
    return NULL;
  pthread_mutex_lock(&call_lock);
  FLOAT_MODE_ENTER();
  int ok = gpt_prefill(&shape, params, cache, cache_batch, inputs, batch, time, lengths, out);
  FLOAT_MODE_LEAVE();
  pthread_mutex_unlock(&call_lock);
  if (!ok) napi_throw_error(env, "kernels.out-of-memory", "native kernels ran out of memory");
  return NULL;
}

/* decode(shape, params, cache, cacheBatch, rows, positions, tokens, out) */
static napi_value decode(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  gpt_shape shape;
  int cache_batch;
  float *params, *cache, *out;
  int32_t *rows, *positions, *tokens;
  if (argc < 8 || !read_shape(env, argv[0], &shape)) return NULL;
  if (!typed(env, argv[1], napi_float32_array, parameter_count(&shape), 0, (void **)&params,
             "params") ||
      !read_cache(env, argv[2], argv[3], &shape, &cache, &cache_batch))
    return NULL;
  napi_typedarray_type type;
  size_t n = 0;
  void *ignored;
  bool is_typed = false;
  napi_is_typedarray(env, argv[4], &is_typed);
  if (is_typed) CHECK(napi_get_typedarray_info(env, argv[4], &type, &n, &ignored, NULL, NULL));
  if (n < 1 || n > (size_t)cache_batch) {
    napi_throw_range_error(env, "kernels.invalid-input", "rows must list 1 to cacheBatch rows");
    return NULL;
  }
  if (!typed(env, argv[4], napi_int32_array, n, 0, (void **)&rows, "rows") ||
      !typed(env, argv[5], napi_int32_array, n, 0, (void **)&positions, "positions") ||
      !typed(env, argv[6], napi_int32_array, n, 0, (void **)&tokens, "tokens") ||
      !typed(env, argv[7], napi_float32_array, n * shape.vocab, 0, (void **)&out, "out") ||
      !check_tokens(env, rows, n, 0, cache_batch, "rows") ||
      !check_tokens(env, positions, n, 0, shape.context, "positions") ||
      !check_tokens(env, tokens, n, 0, shape.vocab, "tokens"))
    return NULL;
  pthread_mutex_lock(&call_lock);
  FLOAT_MODE_ENTER();
  gpt_decode(&shape, params, cache, cache_batch, (int)n, rows, positions, tokens, out);
  FLOAT_MODE_LEAVE();
  pthread_mutex_unlock(&call_lock);
  return NULL;
}

/* adamw(params, grads, m, v, mask, learningRate, beta1, beta2, epsilon, weightDecay, step) */
static napi_value adamw(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 11) {
    napi_throw_type_error(env, "kernels.invalid-input", "adamw takes 11 arguments");
    return NULL;
  }
  napi_typedarray_type type;
  size_t n;
  void *ignored;
  bool is_typed = false;
  napi_is_typedarray(env, argv[0], &is_typed);
  if (!is_typed) {
    napi_throw_type_error(env, "kernels.invalid-input", "params must be a Float32Array");
    return NULL;
  }
  CHECK(napi_get_typedarray_info(env, argv[0], &type, &n, &ignored, NULL, NULL));
  float *params, *grads, *m, *v;
  uint8_t *mask;
  double lr, beta1, beta2, epsilon, decay;
  int step;
  if (!typed(env, argv[0], napi_float32_array, n, 0, (void **)&params, "params") ||
      !typed(env, argv[1], napi_float32_array, n, 0, (void **)&grads, "grads") ||
      !typed(env, argv[2], napi_float32_array, n, 0, (void **)&m, "m") ||
      !typed(env, argv[3], napi_float32_array, n, 0, (void **)&v, "v") ||
      !typed(env, argv[4], napi_uint8_array, n, 0, (void **)&mask, "decayMask"))
    return NULL;
  if (!number(env, argv[5], &lr) || !number(env, argv[6], &beta1) ||
      !number(env, argv[7], &beta2) || !number(env, argv[8], &epsilon) ||
      !number(env, argv[9], &decay) || !integer(env, argv[10], &step) || step < 1) {
    napi_throw_type_error(env, "kernels.invalid-input", "adamw options must be numbers, step ≥ 1");
    return NULL;
  }
  pthread_mutex_lock(&call_lock);
  gpt_adamw(params, grads, m, v, mask, n, (float)lr, (float)beta1, (float)beta2, (float)epsilon,
            (float)decay, step);
  pthread_mutex_unlock(&call_lock);
  return NULL;
}

/* setThreads(n) → threads in use */
static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  int threads;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || !integer(env, argv[0], &threads)) {
    napi_throw_type_error(env, "kernels.invalid-input", "setThreads takes an integer");
    return NULL;
  }
  pthread_mutex_lock(&call_lock);
  int in_use = pool_set_threads(threads);
  pthread_mutex_unlock(&call_lock);
  CHECK(napi_create_int32(env, in_use, &result));
  return result;
}

/* info() → { isa, threads } */
static napi_value describe(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, isa, threads;
  CHECK(napi_create_object(env, &result));
  CHECK(napi_create_string_utf8(env, sgemm_isa(), NAPI_AUTO_LENGTH, &isa));
  CHECK(napi_create_int32(env, pool_threads(), &threads));
  CHECK(napi_set_named_property(env, result, "isa", isa));
  CHECK(napi_set_named_property(env, result, "threads", threads));
  return result;
}

/* release() frees cached activations. */
static napi_value release(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  pthread_mutex_lock(&call_lock);
  gpt_release();
  pthread_mutex_unlock(&call_lock);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor properties[] = {
      {"forwardBackward", NULL, forward_backward, NULL, NULL, NULL, napi_default, NULL},
      {"score", NULL, score, NULL, NULL, NULL, napi_default, NULL},
      {"lastLogits", NULL, last_logits, NULL, NULL, NULL, napi_default, NULL},
      {"kvCacheFloats", NULL, kv_cache_floats, NULL, NULL, NULL, napi_default, NULL},
      {"prefill", NULL, prefill, NULL, NULL, NULL, napi_default, NULL},
      {"decode", NULL, decode, NULL, NULL, NULL, napi_default, NULL},
      {"adamw", NULL, adamw, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
      {"info", NULL, describe, NULL, NULL, NULL, napi_default, NULL},
      {"release", NULL, release, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties) !=
      napi_ok)
    return NULL;
  /* Two threads by default (the machines this targets have 2 cores); setThreads changes it. */
  pthread_mutex_lock(&call_lock);
  if (pool_threads() == 1) pool_set_threads(2);
  pthread_mutex_unlock(&call_lock);
  return exports;
}
