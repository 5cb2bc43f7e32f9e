/* Batched single-precision products through the system BLAS (cblas_sgemm). */
#ifndef KCDL_GEMM_H
#define KCDL_GEMM_H

/*
 * out[z] = op(A[z])·op(B[z]) for z < batch, row-major, op = transpose when ta/tb.
 * A is [batchA, m, k] (or [batchA, k, m] when ta), B is [batchB, k, n] (or [batchB, n, k]
 * when tb); batchA and batchB are each `batch` or 1 (broadcast). out is [batch, m, n].
 */
void kcdl_gemm(const float *a, const float *b, float *out, int batch, int batchA, int batchB, int m, int n, int k, int ta, int tb);

#endif
