/* Batched products as cblas_sgemm calls, transposes passed to BLAS (no copies). */
#include "gemm.h"
#include <cblas.h>
#include <stddef.h>
#include <string.h>

void kcdl_gemm(const float *a, const float *b, float *out, int batch, int batchA, int batchB, int m, int n, int k, int ta, int tb) {
  if (m <= 0 || n <= 0 || batch <= 0) return;
  if (k <= 0) {
    memset(out, 0, (size_t)batch * m * n * sizeof(float));
    return;
  }
  const int lda = ta ? m : k;
  const int ldb = tb ? k : n;
  const enum CBLAS_TRANSPOSE opA = ta ? CblasTrans : CblasNoTrans;
  const enum CBLAS_TRANSPOSE opB = tb ? CblasTrans : CblasNoTrans;
  if (batch > 1 && batchB == 1 && !ta) {
    /* one right matrix: the stacked rows of A times B is a single product */
    cblas_sgemm(CblasRowMajor, opA, opB, batch * m, n, k, 1.0f, a, lda, b, ldb, 0.0f, out, n);
    return;
  }
  const size_t sa = batchA == 1 ? 0 : (size_t)m * k;
  const size_t sb = batchB == 1 ? 0 : (size_t)k * n;
  const size_t so = (size_t)m * n;
  for (int z = 0; z < batch; z++) {
    cblas_sgemm(CblasRowMajor, opA, opB, m, n, k, 1.0f, a + z * sa, lda, b + z * sb, ldb, 0.0f, out + z * so, n);
  }
}
