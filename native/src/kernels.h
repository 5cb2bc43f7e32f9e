/*
 * Loops of the native kernels that need no BLAS: plain C, compiled -O3 for the
 * x86-64 baseline (SSE2), which gcc auto-vectorises; no -march so the built addon
 * runs on any x86-64 machine it is copied to.
 */
#ifndef KCDL_KERNELS_H
#define KCDL_KERNELS_H
#include <stddef.h>

/* out[j] = Σ_i x[i·q + j] over p rows, accumulated in double (the same order and
   precision as the JavaScript fallback, so the two agree bit for bit). */
void kcdl_sum_rows(const float *x, float *out, size_t p, size_t q);

/* out = tanh(x), elementwise. */
void kcdl_tanh(const float *x, float *out, size_t n);

/* Copies the box begin[d] .. begin[d] + size[d] of a row-major tensor of `shape`
   (rank ≤ 8) into `out`, contiguous. */
void kcdl_slice(const float *x, float *out, int rank, const int *shape, const int *begin, const int *size);

#endif
