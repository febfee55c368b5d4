/*
 * Node-API kernels of the Burer–Monteiro fit: the residual R = P_Ω(V Vᵀ) − T, the gradient 4 R V, the
 * quartic line-search coefficients and the L-BFGS two-loop recursion. They read and write the JS typed
 * arrays in place; every length and index is checked so a wrong call throws instead of corrupting memory.
 * The TypeScript versions in src/burer-monteiro.ts are the reference and the fallback.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define MAX_ARGS 16

static bool fail(napi_env env, const char *message) {
  napi_throw_error(env, "psd.native", message);
  return false;
}

static bool f64(napi_env env, napi_value value, size_t length, double **data, const char *what) {
  bool is_typed = false;
  napi_typedarray_type type;
  size_t count;
  char message[128];
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) {
    snprintf(message, sizeof message, "%s must be a Float64Array", what);
    return fail(env, message);
  }
  if (napi_get_typedarray_info(env, value, &type, &count, (void **)data, NULL, NULL) != napi_ok ||
      type != napi_float64_array || count < length) {
    snprintf(message, sizeof message, "%s must be a Float64Array of length >= %zu", what, length);
    return fail(env, message);
  }
  return true;
}

static bool i32(napi_env env, napi_value value, size_t *length, int32_t **data, const char *what) {
  bool is_typed = false;
  napi_typedarray_type type;
  char message[128];
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) {
    snprintf(message, sizeof message, "%s must be an Int32Array", what);
    return fail(env, message);
  }
  if (napi_get_typedarray_info(env, value, &type, length, (void **)data, NULL, NULL) != napi_ok ||
      type != napi_int32_array) {
    snprintf(message, sizeof message, "%s must be an Int32Array", what);
    return fail(env, message);
  }
  return true;
}

static bool int_arg(napi_env env, napi_value value, int *out) {
  if (napi_get_value_int32(env, value, out) != napi_ok || *out < 0) return fail(env, "expected a non-negative integer");
  return true;
}

/* Pattern arguments shared by the kernels: n, r, rows, columns (indices checked against n). */
typedef struct {
  int n, r;
  size_t edges;
  int32_t *rows, *columns;
} pattern;

static bool read_pattern(napi_env env, napi_value *argv, pattern *p) {
  size_t column_count;
  if (!int_arg(env, argv[0], &p->n) || !int_arg(env, argv[1], &p->r)) return false;
  if (!i32(env, argv[2], &p->edges, &p->rows, "rows") || !i32(env, argv[3], &column_count, &p->columns, "columns"))
    return false;
  if (column_count != p->edges) return fail(env, "rows and columns differ in length");
  for (size_t e = 0; e < p->edges; e++) {
    if (p->rows[e] < 0 || p->rows[e] >= p->n || p->columns[e] < 0 || p->columns[e] >= p->n)
      return fail(env, "pattern index out of range");
  }
  return true;
}

static napi_value number(napi_env env, double x) {
  napi_value out;
  napi_create_double(env, x, &out);
  return out;
}

/* residual(n, r, rows, columns, v, diagonalTarget, targets, residualDiagonal, residualEdges) → f */
static napi_value residual(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 9) return fail(env, "residual takes 9 arguments"), NULL;
  pattern p;
  double *v, *dt, *t, *rd, *re;
  if (!read_pattern(env, argv, &p)) return NULL;
  size_t nr = (size_t)p.n * p.r;
  if (!f64(env, argv[4], nr, &v, "v") || !f64(env, argv[5], p.n, &dt, "diagonalTarget") ||
      !f64(env, argv[6], p.edges, &t, "targets") || !f64(env, argv[7], p.n, &rd, "residualDiagonal") ||
      !f64(env, argv[8], p.edges, &re, "residualEdges"))
    return NULL;
  const int r = p.r;
  double f = 0;
  for (int i = 0; i < p.n; i++) {
    const double *vi = v + (size_t)i * r;
    double s = 0;
    for (int k = 0; k < r; k++) s += vi[k] * vi[k];
    s -= dt[i];
    rd[i] = s;
    f += s * s;
  }
  for (size_t e = 0; e < p.edges; e++) {
    const double *vi = v + (size_t)p.rows[e] * r, *vj = v + (size_t)p.columns[e] * r;
    double s = 0;
    for (int k = 0; k < r; k++) s += vi[k] * vj[k];
    s -= t[e];
    re[e] = s;
    f += 2 * s * s;
  }
  return number(env, f);
}

/* gradient(n, r, rows, columns, v, residualDiagonal, residualEdges, g): g ← 4 R V */
static napi_value gradient(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 8) return fail(env, "gradient takes 8 arguments"), NULL;
  pattern p;
  double *v, *rd, *re, *g;
  if (!read_pattern(env, argv, &p)) return NULL;
  size_t nr = (size_t)p.n * p.r;
  if (!f64(env, argv[4], nr, &v, "v") || !f64(env, argv[5], p.n, &rd, "residualDiagonal") ||
      !f64(env, argv[6], p.edges, &re, "residualEdges") || !f64(env, argv[7], nr, &g, "g"))
    return NULL;
  const int r = p.r;
  for (int i = 0; i < p.n; i++) {
    const double s = 4 * rd[i];
    const double *vi = v + (size_t)i * r;
    double *gi = g + (size_t)i * r;
    for (int k = 0; k < r; k++) gi[k] = s * vi[k];
  }
  for (size_t e = 0; e < p.edges; e++) {
    const double s = 4 * re[e];
    if (s == 0) continue;
    const size_t oi = (size_t)p.rows[e] * r, oj = (size_t)p.columns[e] * r;
    const double *vi = v + oi, *vj = v + oj;
    double *gi = g + oi, *gj = g + oj;
    for (int k = 0; k < r; k++) {
      gi[k] += s * vj[k];
      gj[k] += s * vi[k];
    }
  }
  return NULL;
}

/* line(n, r, rows, columns, v, d, residualDiagonal, residualEdges, bDiagonal, cDiagonal, bEdges, cEdges, out5) */
static napi_value line(napi_env env, napi_callback_info info) {
  size_t argc = 13;
  napi_value argv[13];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 13) return fail(env, "line takes 13 arguments"), NULL;
  pattern p;
  double *v, *d, *rd, *re, *bd, *cd, *be, *ce, *out;
  if (!read_pattern(env, argv, &p)) return NULL;
  size_t nr = (size_t)p.n * p.r;
  if (!f64(env, argv[4], nr, &v, "v") || !f64(env, argv[5], nr, &d, "d") ||
      !f64(env, argv[6], p.n, &rd, "residualDiagonal") || !f64(env, argv[7], p.edges, &re, "residualEdges") ||
      !f64(env, argv[8], p.n, &bd, "bDiagonal") || !f64(env, argv[9], p.n, &cd, "cDiagonal") ||
      !f64(env, argv[10], p.edges, &be, "bEdges") || !f64(env, argv[11], p.edges, &ce, "cEdges") ||
      !f64(env, argv[12], 5, &out, "out"))
    return NULL;
  const int r = p.r;
  double c4 = 0, c3 = 0, c2 = 0, c1 = 0, c0 = 0;
  for (int i = 0; i < p.n; i++) {
    const double *vi = v + (size_t)i * r, *di = d + (size_t)i * r;
    double b = 0, c = 0;
    for (int k = 0; k < r; k++) {
      b += vi[k] * di[k];
      c += di[k] * di[k];
    }
    b *= 2;
    const double a = rd[i];
    bd[i] = b;
    cd[i] = c;
    c4 += c * c;
    c3 += 2 * b * c;
    c2 += b * b + 2 * a * c;
    c1 += 2 * a * b;
    c0 += a * a;
  }
  for (size_t e = 0; e < p.edges; e++) {
    const size_t oi = (size_t)p.rows[e] * r, oj = (size_t)p.columns[e] * r;
    const double *vi = v + oi, *vj = v + oj, *di = d + oi, *dj = d + oj;
    double b = 0, c = 0;
    for (int k = 0; k < r; k++) {
      b += vi[k] * dj[k] + di[k] * vj[k];
      c += di[k] * dj[k];
    }
    const double a = re[e];
    be[e] = b;
    ce[e] = c;
    c4 += 2 * c * c;
    c3 += 4 * b * c;
    c2 += 2 * (b * b + 2 * a * c);
    c1 += 4 * a * b;
    c0 += 2 * a * a;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  out[4] = c4;
  return NULL;
}

/*
 * twoLoop(length, order, s, y, rho, g, d): L-BFGS two-loop recursion d ← −H g. Pair k (oldest first) lives in
 * slot order[k] of the flat buffers s and y (slot j at offset j·length); rho[slot] = 1/(sᵀy).
 */
static napi_value two_loop(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 7) return fail(env, "twoLoop takes 7 arguments"), NULL;
  int length;
  size_t count, slots;
  int32_t *order;
  double *s, *y, *rho, *g, *d;
  if (!int_arg(env, argv[0], &length) || !i32(env, argv[1], &count, &order, "order")) return NULL;
  napi_typedarray_type type;
  if (napi_get_typedarray_info(env, argv[4], &type, &slots, (void **)&rho, NULL, NULL) != napi_ok ||
      type != napi_float64_array)
    return fail(env, "rho must be a Float64Array"), NULL;
  if (!f64(env, argv[2], slots * (size_t)length, &s, "s") || !f64(env, argv[3], slots * (size_t)length, &y, "y") ||
      !f64(env, argv[5], length, &g, "g") || !f64(env, argv[6], length, &d, "d"))
    return NULL;
  if (count > 64) return fail(env, "at most 64 pairs"), NULL;
  for (size_t k = 0; k < count; k++)
    if (order[k] < 0 || (size_t)order[k] >= slots) return fail(env, "slot out of range"), NULL;
  double alphas[64];
  for (int k = 0; k < length; k++) d[k] = -g[k];
  for (size_t h = count; h-- > 0;) {
    const double *sh = s + (size_t)order[h] * length, *yh = y + (size_t)order[h] * length;
    double sd = 0;
    for (int k = 0; k < length; k++) sd += sh[k] * d[k];
    const double a = rho[order[h]] * sd;
    alphas[h] = a;
    for (int k = 0; k < length; k++) d[k] -= a * yh[k];
  }
  if (count > 0) {
    const double *sl = s + (size_t)order[count - 1] * length, *yl = y + (size_t)order[count - 1] * length;
    double sy = 0, yy = 0;
    for (int k = 0; k < length; k++) {
      sy += sl[k] * yl[k];
      yy += yl[k] * yl[k];
    }
    const double scale = sy / yy;
    for (int k = 0; k < length; k++) d[k] *= scale;
  }
  for (size_t h = 0; h < count; h++) {
    const double *sh = s + (size_t)order[h] * length, *yh = y + (size_t)order[h] * length;
    double yd = 0;
    for (int k = 0; k < length; k++) yd += yh[k] * d[k];
    const double coefficient = alphas[h] - rho[order[h]] * yd;
    for (int k = 0; k < length; k++) d[k] += coefficient * sh[k];
  }
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"residual", NULL, residual, NULL, NULL, NULL, napi_default, NULL},
      {"gradient", NULL, gradient, NULL, NULL, NULL, napi_default, NULL},
      {"line", NULL, line, NULL, NULL, NULL, napi_default, NULL},
      {"twoLoop", NULL, two_loop, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
