/*
 * kcdl_native: N-API bindings of the native kernels for the wasm backend.
 *
 * Every function takes Float32Array views over the wasm heap (made by the caller
 * right before the call, so they are never stale after a heap growth) and writes its
 * result in place into the output tensor's view: no copies in or out. Sizes are
 * checked against the views' lengths, so a wrong call throws instead of writing
 * outside the output.
 */
#include <node_api.h>
#include <cblas.h>
#include <stdio.h>
#include <string.h>
#include "gemm.h"
#include "kernels.h"
#include "kl.h"
#include "rng.h"

#define CHECK(call)                                                  \
  do {                                                               \
    if ((call) != napi_ok) {                                         \
      napi_throw_error(env, NULL, "kcdl_native: N-API call failed"); \
      return NULL;                                                   \
    }                                                                \
  } while (0)

#define FAIL(msg)                          \
  do {                                     \
    napi_throw_error(env, NULL, msg);      \
    return NULL;                           \
  } while (0)

/* The float data and element count of a Float32Array argument; 0 on a wrong type. */
static int f32(napi_env env, napi_value v, float **data, size_t *length) {
  napi_typedarray_type type;
  void *p;
  if (napi_get_typedarray_info(env, v, &type, length, &p, NULL, NULL) != napi_ok || type != napi_float32_array) return 0;
  *data = p;
  return 1;
}

static int i32(napi_env env, napi_value v, int *out) { return napi_get_value_int32(env, v, out) == napi_ok; }

static napi_value get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) return NULL;
  return argv[0];
}

/* gemm(a, b, out, batch, batchA, batchB, m, n, k, transposeA, transposeB) */
static napi_value Gemm(napi_env env, napi_callback_info info) {
  napi_value argv[11];
  if (!get_args(env, info, 11, argv)) FAIL("kcdl_native.gemm: 11 arguments expected");
  float *a, *b, *out;
  size_t na, nb, no;
  int batch, batchA, batchB, m, n, k, ta, tb;
  if (!f32(env, argv[0], &a, &na) || !f32(env, argv[1], &b, &nb) || !f32(env, argv[2], &out, &no)) FAIL("kcdl_native.gemm: Float32Array operands expected");
  if (!i32(env, argv[3], &batch) || !i32(env, argv[4], &batchA) || !i32(env, argv[5], &batchB) || !i32(env, argv[6], &m) ||
      !i32(env, argv[7], &n) || !i32(env, argv[8], &k) || !i32(env, argv[9], &ta) || !i32(env, argv[10], &tb))
    FAIL("kcdl_native.gemm: integer sizes expected");
  if (batch < 0 || m < 0 || n < 0 || k < 0 || (batchA != batch && batchA != 1) || (batchB != batch && batchB != 1) ||
      na < (size_t)batchA * m * k || nb < (size_t)batchB * k * n || no < (size_t)batch * m * n)
    FAIL("kcdl_native.gemm: sizes do not match the operands");
  kcdl_gemm(a, b, out, batch, batchA, batchB, m, n, k, ta, tb);
  return NULL;
}

/* sumRows(x, out, p, q): out[j] = Σ_i x[i·q + j] */
static napi_value SumRows(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, argv)) FAIL("kcdl_native.sumRows: 4 arguments expected");
  float *x, *out;
  size_t nx, no;
  int p, q;
  if (!f32(env, argv[0], &x, &nx) || !f32(env, argv[1], &out, &no) || !i32(env, argv[2], &p) || !i32(env, argv[3], &q) || p < 0 || q < 0 ||
      nx < (size_t)p * q || no < (size_t)q)
    FAIL("kcdl_native.sumRows: bad arguments");
  kcdl_sum_rows(x, out, (size_t)p, (size_t)q);
  return NULL;
}

/* tanh(x, out) over min(length) elements */
static napi_value Tanh(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) FAIL("kcdl_native.tanh: 2 arguments expected");
  float *x, *out;
  size_t nx, no;
  if (!f32(env, argv[0], &x, &nx) || !f32(env, argv[1], &out, &no) || no > nx) FAIL("kcdl_native.tanh: bad arguments");
  kcdl_tanh(x, out, no);
  return NULL;
}

/* slice(x, out, dims: Int32Array [rank × shape, rank × begin, rank × size]) */
static napi_value Slice(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 3, argv)) FAIL("kcdl_native.slice: 3 arguments expected");
  float *x, *out;
  size_t nx, no, nd;
  napi_typedarray_type type;
  void *dp;
  if (!f32(env, argv[0], &x, &nx) || !f32(env, argv[1], &out, &no) ||
      napi_get_typedarray_info(env, argv[2], &type, &nd, &dp, NULL, NULL) != napi_ok || type != napi_int32_array || nd % 3 || nd == 0 || nd > 24)
    FAIL("kcdl_native.slice: bad arguments");
  const int *d = dp;
  const int rank = (int)(nd / 3);
  size_t total = 1, outTotal = 1;
  for (int i = 0; i < rank; i++) {
    if (d[i] < 0 || d[rank + i] < 0 || d[2 * rank + i] < 0 || d[rank + i] + d[2 * rank + i] > d[i]) FAIL("kcdl_native.slice: box outside the tensor");
    total *= (size_t)d[i];
    outTotal *= (size_t)d[2 * rank + i];
  }
  if (nx < total || no < outTotal) FAIL("kcdl_native.slice: sizes do not match the operands");
  if (outTotal > 0) kcdl_slice(x, out, rank, d, d + rank, d + 2 * rank);
  return NULL;
}

/* The int32 data and length of an Int32Array argument; 0 on a wrong type. */
static int i32s(napi_env env, napi_value v, const int **data, size_t *length) {
  napi_typedarray_type type;
  void *p;
  if (napi_get_typedarray_info(env, v, &type, length, &p, NULL, NULL) != napi_ok || type != napi_int32_array) return 0;
  *data = p;
  return 1;
}

/* Elements of a shape, or 0 with *ok cleared when an entry is negative. */
static size_t elements(const int *shape, int rank, int *ok) {
  size_t n = 1;
  for (int i = 0; i < rank; i++) {
    if (shape[i] < 0) *ok = 0;
    n *= (size_t)(shape[i] < 0 ? 0 : shape[i]);
  }
  return n;
}

/* binary(op, a, b, out, dims: Int32Array [rank × out shape, rank × a shape, rank × b shape]) */
static napi_value Binary(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!get_args(env, info, 5, argv)) FAIL("kcdl_native.binary: 5 arguments expected");
  int op;
  float *a, *b, *out;
  size_t na, nb, no, nd;
  const int *d;
  if (!i32(env, argv[0], &op) || op < KCDL_ADD || op > KCDL_DIV || !f32(env, argv[1], &a, &na) || !f32(env, argv[2], &b, &nb) ||
      !f32(env, argv[3], &out, &no) || !i32s(env, argv[4], &d, &nd) || nd % 3 || nd == 0 || nd > 24)
    FAIL("kcdl_native.binary: bad arguments");
  const int rank = (int)(nd / 3);
  int ok = 1;
  for (int i = 0; i < rank; i++)
    if ((d[rank + i] != d[i] && d[rank + i] != 1) || (d[2 * rank + i] != d[i] && d[2 * rank + i] != 1)) ok = 0;
  const size_t total = elements(d, rank, &ok);
  if (!ok || na < elements(d + rank, rank, &ok) || nb < elements(d + 2 * rank, rank, &ok) || no < total || !ok)
    FAIL("kcdl_native.binary: shapes do not broadcast to the output");
  if (total > 0) kcdl_binary(op, a, b, out, rank, d, d + rank, d + 2 * rank);
  return NULL;
}

/* unary(op, x, out, alpha) over out's length */
static napi_value Unary(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, argv)) FAIL("kcdl_native.unary: 4 arguments expected");
  int op;
  float *x, *out;
  size_t nx, no;
  double alpha;
  if (!i32(env, argv[0], &op) || op < KCDL_RELU || op > KCDL_STEP || !f32(env, argv[1], &x, &nx) || !f32(env, argv[2], &out, &no) ||
      napi_get_value_double(env, argv[3], &alpha) != napi_ok || no > nx)
    FAIL("kcdl_native.unary: bad arguments");
  kcdl_unary(op, x, out, no, (float)alpha);
  return NULL;
}

/* transpose(x, out, dims: Int32Array [rank × x shape, rank × perm]) */
static napi_value Transpose(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 3, argv)) FAIL("kcdl_native.transpose: 3 arguments expected");
  float *x, *out;
  size_t nx, no, nd;
  const int *d;
  if (!f32(env, argv[0], &x, &nx) || !f32(env, argv[1], &out, &no) || !i32s(env, argv[2], &d, &nd) || nd % 2 || nd == 0 || nd > 16)
    FAIL("kcdl_native.transpose: bad arguments");
  const int rank = (int)(nd / 2);
  int ok = 1, seen = 0;
  for (int i = 0; i < rank; i++) {
    if (d[rank + i] < 0 || d[rank + i] >= rank || (seen & (1 << d[rank + i]))) ok = 0;
    else seen |= 1 << d[rank + i];
  }
  const size_t total = elements(d, rank, &ok);
  if (!ok || nx < total || no < total) FAIL("kcdl_native.transpose: not a permutation of the operand's axes");
  if (total > 0) kcdl_transpose(x, out, rank, d, d + rank);
  return NULL;
}

/* The double data and length of a Float64Array argument; 0 on a wrong type. */
static int f64(napi_env env, napi_value v, double **data, size_t *length) {
  napi_typedarray_type type;
  void *p;
  if (napi_get_typedarray_info(env, v, &type, length, &p, NULL, NULL) != napi_ok || type != napi_float64_array) return 0;
  *data = p;
  return 1;
}

/*
 * klGmmPass(muQ, sigma, eps, muP, logPi, ivar, logVar, dLogVar, pi, sumTerm, sumG, sumGe,
 *           aMu, aNu, aW, n, S, K, perRow): kcdl_kl_gmm_pass (kl.h); muQ, eps, muP are
 * Float32Arrays, the rest Float64Arrays.
 */
static napi_value KlGmmPass(napi_env env, napi_callback_info info) {
  napi_value argv[19];
  if (!get_args(env, info, 19, argv)) FAIL("kcdl_native.klGmmPass: 19 arguments expected");
  float *mu_q, *eps, *mu_p;
  double *d[12];
  size_t len[15];
  int n, S, K, per_row;
  int ok = f32(env, argv[0], &mu_q, &len[0]) && f64(env, argv[1], &d[0], &len[1]) && f32(env, argv[2], &eps, &len[2]) && f32(env, argv[3], &mu_p, &len[3]);
  for (int i = 0; ok && i < 11; i++) ok = f64(env, argv[4 + i], &d[1 + i], &len[4 + i]);
  if (!ok || !i32(env, argv[15], &n) || !i32(env, argv[16], &S) || !i32(env, argv[17], &K) || !i32(env, argv[18], &per_row))
    FAIL("kcdl_native.klGmmPass: bad arguments");
  const size_t rows = per_row ? (size_t)n : 1;
  ok = n >= 0 && S >= 1 && K >= 1 && K <= KCDL_KL_MAX_K && len[0] >= (size_t)n && len[1] >= (size_t)n && len[2] >= (size_t)S * n;
  for (int i = 3; i <= 8; i++) ok = ok && len[i] >= rows * K;
  for (int i = 9; i <= 11; i++) ok = ok && len[i] >= (size_t)n;
  for (int i = 12; i <= 14; i++) ok = ok && len[i] >= (size_t)n * K;
  if (!ok) FAIL("kcdl_native.klGmmPass: sizes do not match the operands");
  const kcdl_gmm_rows g = {mu_p, d[1], d[2], d[3], d[4], d[5]};
  if (kcdl_kl_gmm_pass((size_t)n, S, K, per_row, mu_q, d[0], eps, g, d[6], d[7], d[8], d[9], d[10], d[11]) != 0) FAIL("kcdl_native.klGmmPass: out of memory");
  return NULL;
}

/* normalAlea(out, s0, s1, s2, c, mean, std): kcdl_normal_alea (rng.h) over out's length */
static napi_value NormalAlea(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!get_args(env, info, 7, argv)) FAIL("kcdl_native.normalAlea: 7 arguments expected");
  float *out;
  size_t n;
  double v[6];
  int ok = f32(env, argv[0], &out, &n);
  for (int i = 0; ok && i < 6; i++) ok = napi_get_value_double(env, argv[1 + i], &v[i]) == napi_ok;
  if (!ok) FAIL("kcdl_native.normalAlea: bad arguments");
  const kcdl_alea st = {v[0], v[1], v[2], v[3]};
  kcdl_normal_alea(out, n, st, v[4], v[5]);
  return NULL;
}

/* setThreads(n): OpenBLAS's thread count (process-wide) */
static napi_value SetThreads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int n;
  if (!get_args(env, info, 1, argv) || !i32(env, argv[0], &n) || n < 1) FAIL("kcdl_native.setThreads: a positive integer expected");
  openblas_set_num_threads(n);
  return NULL;
}

/* info(): "openblas <version> (<core>), <n> thread(s)", e.g. "openblas 0.3.21 (Zen), 1 thread" */
static napi_value Info(napi_env env, napi_callback_info info) {
  (void)info;
  char buf[256], version[32] = "?";
  const int n = openblas_get_num_threads();
  sscanf(openblas_get_config(), "OpenBLAS %31s", version);
  snprintf(buf, sizeof buf, "openblas %s (%s), %d thread%s", version, openblas_get_corename(), n, n == 1 ? "" : "s");
  napi_value s;
  CHECK(napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &s));
  return s;
}

NAPI_MODULE_INIT() {
  const napi_property_descriptor fns[] = {
      {"gemm", NULL, Gemm, NULL, NULL, NULL, napi_default, NULL},
      {"sumRows", NULL, SumRows, NULL, NULL, NULL, napi_default, NULL},
      {"tanh", NULL, Tanh, NULL, NULL, NULL, napi_default, NULL},
      {"slice", NULL, Slice, NULL, NULL, NULL, napi_default, NULL},
      {"binary", NULL, Binary, NULL, NULL, NULL, napi_default, NULL},
      {"unary", NULL, Unary, NULL, NULL, NULL, napi_default, NULL},
      {"transpose", NULL, Transpose, NULL, NULL, NULL, napi_default, NULL},
      {"klGmmPass", NULL, KlGmmPass, NULL, NULL, NULL, napi_default, NULL},
      {"normalAlea", NULL, NormalAlea, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, SetThreads, NULL, NULL, NULL, napi_default, NULL},
      {"info", NULL, Info, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns) != napi_ok) return NULL;
  return exports;
}
