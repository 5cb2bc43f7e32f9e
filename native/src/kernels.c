/* Non-BLAS loops of the native kernels (see kernels.h). */
#include "kernels.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

void kcdl_sum_rows(const float *x, float *out, size_t p, size_t q) {
  double *acc = calloc(q ? q : 1, sizeof(double));
  if (!acc) return;
  for (size_t i = 0; i < p; i++) {
    const float *row = x + i * q;
    for (size_t j = 0; j < q; j++) acc[j] += row[j];
  }
  for (size_t j = 0; j < q; j++) out[j] = (float)acc[j];
  free(acc);
}

/*
 * e^x for x in [-88, 88] (Cephes' expf: x = n·ln2 + r, a degree-6 polynomial in r, 2^n
 * put into the exponent bits). Branch-free so the loop below vectorises (glibc's
 * tanhf is scalar, ≈ 20 ns an element here).
 */
static inline float exp_poly(float x) {
  const float t = x * 1.44269504088896341f;
  const int n = (int)(t + copysignf(0.5f, t));
  const float fn = (float)n;
  float r = x - fn * 0.693359375f;
  r = r - fn * -2.12194440e-4f;
  const float z = r * r;
  float y = 1.9875691500e-4f;
  y = y * r + 1.3981999507e-3f;
  y = y * r + 8.3334519073e-3f;
  y = y * r + 4.1665795894e-2f;
  y = y * r + 1.6666665459e-1f;
  y = y * r + 5.0000001201e-1f;
  y = y * z + r + 1.0f;
  union { int i; float f; } scale = {.i = (n + 127) << 23};
  return y * scale.f;
}

/*
 * tanh as Cephes' tanhf: an odd polynomial for |x| < 0.625 (no cancellation near 0),
 * 1 − 2/(e^{2|x|} + 1) above, |x| capped at 9 (tanh(9) rounds to 1 in float); NaN stays NaN.
 * Within a few ulp of glibc's tanhf.
 */
void kcdl_tanh(const float *x, float *out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const float v = x[i];
    const float av = fabsf(v);
    const float a = av < 9.0f ? av : 9.0f;
    const float big = 1.0f - 2.0f / (exp_poly(2.0f * a) + 1.0f);
    const float z = av * av;
    const float small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z + 1.33314422036e-1f) * z - 3.33332819422e-1f) * z * av + av;
    const float t = copysignf(av < 0.625f ? small : big, v);
    out[i] = v != v ? v : t;
  }
}

void kcdl_slice(const float *x, float *out, int rank, const int *shape, const int *begin, const int *size) {
  /* merge trailing axes taken whole into one contiguous run */
  size_t run = 1;
  int last = rank - 1;
  while (last > 0 && begin[last] == 0 && size[last] == shape[last]) run *= (size_t)shape[last--];
  run *= (size_t)size[last];
  size_t stride[8];
  size_t acc = 1;
  for (int d = rank - 1; d >= 0; d--) {
    stride[d] = acc;
    acc *= (size_t)shape[d];
  }
  if (last == 0) {
    memcpy(out, x + (size_t)begin[0] * stride[0], run * sizeof(float));
    return;
  }
  /* odometer over axes 0 .. last-1; each step copies one run along axis `last` */
  int idx[8] = {0};
  size_t rows = 1;
  for (int d = 0; d < last; d++) rows *= (size_t)size[d];
  size_t base = 0;
  for (int d = 0; d <= last; d++) base += (size_t)begin[d] * stride[d];
  size_t off = base;
  for (size_t r = 0; r < rows; r++) {
    memcpy(out + r * run, x + off, run * sizeof(float));
    for (int d = last - 1; d >= 0; d--) {
      off += stride[d];
      if (++idx[d] < size[d]) break;
      off -= stride[d] * (size_t)size[d];
      idx[d] = 0;
    }
  }
}

/* One row of a binary operation; sa, sb are 0 (broadcast) or 1. Split by stride so each
   loop vectorises. */
#define ROW(NAME, EXPR)                                                                              \
  static void NAME(const float *a, const float *b, float *o, size_t n, int sa, int sb) {            \
    if (sa && sb)                                                                                    \
      for (size_t j = 0; j < n; j++) { const float x = a[j], y = b[j]; o[j] = EXPR; }               \
    else if (sa) {                                                                                   \
      const float y = b[0];                                                                          \
      for (size_t j = 0; j < n; j++) { const float x = a[j]; o[j] = EXPR; }                         \
    } else if (sb) {                                                                                 \
      const float x = a[0];                                                                          \
      for (size_t j = 0; j < n; j++) { const float y = b[j]; o[j] = EXPR; }                         \
    } else {                                                                                         \
      const float x = a[0], y = b[0];                                                                \
      const float v = EXPR;                                                                          \
      for (size_t j = 0; j < n; j++) o[j] = v;                                                       \
    }                                                                                                \
  }
ROW(row_add, x + y)
ROW(row_sub, x - y)
ROW(row_mul, x * y)
ROW(row_div, x / y)
#undef ROW

typedef void (*row_fn)(const float *, const float *, float *, size_t, int, int);

void kcdl_binary(int op, const float *a, const float *b, float *out, int rank, const int *shape, const int *ashape, const int *bshape) {
  static const row_fn rows[] = {row_add, row_sub, row_mul, row_div};
  const row_fn row = rows[op];
  /* strides (0 along broadcast axes), then axes merged where both operands run on contiguously */
  size_t dim[8], sa[8], sb[8];
  size_t acc_a = 1, acc_b = 1;
  for (int d = rank - 1; d >= 0; d--) {
    sa[d] = ashape[d] == 1 ? 0 : acc_a;
    sb[d] = bshape[d] == 1 ? 0 : acc_b;
    acc_a *= (size_t)ashape[d];
    acc_b *= (size_t)bshape[d];
    dim[d] = (size_t)shape[d];
  }
  int r = 0;
  size_t md[8], ma[8], mb[8];
  for (int d = 0; d < rank; d++) {
    if (dim[d] == 1) continue;
    if (r > 0 && ma[r - 1] == sa[d] * dim[d] && mb[r - 1] == sb[d] * dim[d]) {
      md[r - 1] *= dim[d];
      ma[r - 1] = sa[d];
      mb[r - 1] = sb[d];
    } else {
      md[r] = dim[d];
      ma[r] = sa[d];
      mb[r] = sb[d];
      r++;
    }
  }
  if (r == 0) {
    row(a, b, out, 1, 1, 1);
    return;
  }
  const size_t n = md[r - 1];
  const int ua = ma[r - 1] != 0, ub = mb[r - 1] != 0;
  /* the innermost axis of a row-major operand has stride 1, or 0 where it is broadcast */
  if (ma[r - 1] > 1 || mb[r - 1] > 1) return;
  size_t rowsCount = 1;
  for (int d = 0; d < r - 1; d++) rowsCount *= md[d];
  size_t idx[8] = {0}, ia = 0, ib = 0;
  for (size_t q = 0; q < rowsCount; q++) {
    row(a + ia, b + ib, out + q * n, n, ua, ub);
    for (int d = r - 2; d >= 0; d--) {
      ia += ma[d];
      ib += mb[d];
      if (++idx[d] < md[d]) break;
      ia -= ma[d] * md[d];
      ib -= mb[d] * md[d];
      idx[d] = 0;
    }
  }
}

void kcdl_unary(int op, const float *x, float *out, size_t n, float alpha) {
  switch (op) {
    case KCDL_RELU:
      for (size_t i = 0; i < n; i++) out[i] = x[i] > 0.0f ? x[i] : (x[i] != x[i] ? x[i] : 0.0f);
      break;
    case KCDL_SQUARE:
      for (size_t i = 0; i < n; i++) out[i] = x[i] * x[i];
      break;
    case KCDL_STEP:
      for (size_t i = 0; i < n; i++) out[i] = x[i] > 0.0f ? 1.0f : (x[i] != x[i] ? x[i] : alpha);
      break;
  }
}

void kcdl_transpose(const float *x, float *out, int rank, const int *shape, const int *perm) {
  size_t xs[8], acc = 1;
  for (int d = rank - 1; d >= 0; d--) {
    xs[d] = acc;
    acc *= (size_t)shape[d];
  }
  /* output axis d walks x with stride xs[perm[d]]; runs along the last output axis */
  size_t od[8] = {0}, st[8] = {0};
  if (rank < 1) return;
  for (int d = 0; d < rank; d++) {
    od[d] = (size_t)shape[perm[d]];
    st[d] = xs[perm[d]];
  }
  const size_t n = od[rank - 1], s = st[rank - 1];
  size_t rowsCount = 1;
  for (int d = 0; d < rank - 1; d++) rowsCount *= od[d];
  size_t idx[8] = {0}, ix = 0;
  for (size_t q = 0; q < rowsCount; q++) {
    float *o = out + q * n;
    if (s == 1) memcpy(o, x + ix, n * sizeof(float));
    else
      for (size_t j = 0; j < n; j++) o[j] = x[ix + j * s];
    for (int d = rank - 2; d >= 0; d--) {
      ix += st[d];
      if (++idx[d] < od[d]) break;
      ix -= st[d] * od[d];
      idx[d] = 0;
    }
  }
}
