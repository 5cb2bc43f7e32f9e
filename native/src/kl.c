/* The per-weight pass of the fused Monte-Carlo KL (see kl.h). */
#include "kl.h"
#include <math.h>
#include <stdlib.h>

#define LOG_2PI 1.8378770664093453

int kcdl_kl_gmm_pass(size_t n, int S, int K, int per_row, const float *mu_q, const double *sigma, const float *eps, kcdl_gmm_rows g,
                     double *sum_term, double *sum_g, double *sum_ge, double *a_mu, double *a_nu, double *a_w) {
  /* ε transposed to [n, S] in blocks, so that each weight's samples are contiguous */
  float *et = malloc((size_t)S * n * sizeof(float) + 1);
  if (!et) return -1;
  const size_t B = 256;
  for (size_t i0 = 0; i0 < n; i0 += B) {
    const size_t i1 = i0 + B < n ? i0 + B : n;
    for (int s = 0; s < S; s++)
      for (size_t i = i0; i < i1; i++) et[i * S + s] = eps[(size_t)s * n + i];
  }
  double t[KCDL_KL_MAX_K], ex[KCDL_KL_MAX_K], dk[KCDL_KL_MAX_K];
  double acc_mu[KCDL_KL_MAX_K], acc_nu[KCDL_KL_MAX_K], acc_w[KCDL_KL_MAX_K];
  for (size_t i = 0; i < n; i++) {
    const double c = mu_q[i];
    const double sg = sigma[i];
    const size_t base = per_row ? i * K : 0;
    const float *mu_p = g.mu + base;
    const double *log_pi = g.log_pi + base, *ivar = g.ivar + base, *log_var = g.log_var + base, *dlog_var = g.dlog_var + base, *pi = g.pi + base;
    for (int k = 0; k < K; k++) acc_mu[k] = acc_nu[k] = acc_w[k] = 0;
    double term = sum_term[i], s1 = 0, se = 0;
    for (int s = 0; s < S; s++) {
      const double e = et[i * S + s];
      const double off = sg * e;
      double m = -INFINITY;
      int km = 0;
      for (int k = 0; k < K; k++) {
        const double d = c - mu_p[k] + off;
        dk[k] = d;
        const double tk = log_pi[k] - 0.5 * (d * d * ivar[k] + log_var[k] + LOG_2PI);
        t[k] = tk;
        if (tk > m) {
          m = tk;
          km = k;
        }
      }
      if (m == -INFINITY) {
        term = INFINITY;
        continue;
      }
      double z = 0;
      for (int k = 0; k < K; k++) z += ex[k] = k == km ? 1.0 : exp(t[k] - m);
      term -= m + log(z);
      double gs = 0;
      for (int k = 0; k < K; k++) {
        const double r = ex[k] / z;
        const double qd = dk[k] * ivar[k];
        gs -= r * qd;
        acc_mu[k] -= r * qd;
        acc_nu[k] -= r * 0.5 * (dk[k] * qd - 1) * dlog_var[k];
        acc_w[k] -= r - pi[k];
      }
      s1 += gs;
      se += gs * e;
    }
    sum_term[i] = term;
    sum_g[i] = s1;
    sum_ge[i] = se;
    for (int k = 0; k < K; k++) {
      a_mu[i * K + k] = acc_mu[k];
      a_nu[i * K + k] = acc_nu[k];
      a_w[i * K + k] = acc_w[k];
    }
  }
  free(et);
  return 0;
}
