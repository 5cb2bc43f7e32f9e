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
