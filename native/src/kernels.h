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

/* Elementwise binary operations, in the order of kcdl_binary's `op`. */
enum kcdl_binary_op { KCDL_ADD = 0, KCDL_SUB = 1, KCDL_MUL = 2, KCDL_DIV = 3 };

/* out = a op b with numpy broadcasting: `shape` is the output's (rank ≤ 8), `ashape` and
   `bshape` the operands' aligned right to that rank (missing axes as 1). */
void kcdl_binary(int op, const float *a, const float *b, float *out, int rank, const int *shape, const int *ashape, const int *bshape);

/* Elementwise unary operations, in the order of kcdl_unary's `op`. */
enum kcdl_unary_op { KCDL_RELU = 0, KCDL_SQUARE = 1, KCDL_STEP = 2 };

/* out = f(x) over n elements; Step is x > 0 ? 1 : alpha (NaN stays NaN, as tfjs). */
void kcdl_unary(int op, const float *x, float *out, size_t n, float alpha);

/* out = x transposed by `perm` (rank ≤ 8): out's axis d is x's axis perm[d]. */
void kcdl_transpose(const float *x, float *out, int rank, const int *shape, const int *perm);

#endif
