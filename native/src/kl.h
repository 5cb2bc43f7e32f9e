/* The Monte-Carlo KL of Gaussian posteriors against GMM priors: the per-weight pass of
   klGaussianMonteCarloFusedT (src/codes/kl.ts), the same arithmetic in C doubles. */
#ifndef KCDL_KL_H
#define KCDL_KL_H
#include <stddef.h>

/* The most prior components the native pass takes (more: the JavaScript pass runs). */
#define KCDL_KL_MAX_K 64

/* The prior's per-component constants, [rows × K] (rows = n when per_row, else 1). */
typedef struct {
  const float *mu;
  const double *log_pi, *ivar, *log_var, *dlog_var, *pi;
} kcdl_gmm_rows;

/*
 * For each weight i < n and sample s < S (x = mu_q[i] + sigma[i]·eps[s·n + i]):
 * sum_term[i] −= log p(x) (it comes in holding S × the negative entropy; +∞ where p(x) = 0),
 * sum_g[i] = Σ_s ∂log p/∂x, sum_ge[i] = Σ_s ∂log p/∂x · eps, and per component k the sums
 * of the prior's partials a_mu, a_nu, a_w [n × K]. Returns 0, or −1 when out of memory.
 */
int kcdl_kl_gmm_pass(size_t n, int S, int K, int per_row, const float *mu_q, const double *sigma, const float *eps, kcdl_gmm_rows g,
                     double *sum_term, double *sum_g, double *sum_ge, double *a_mu, double *a_nu, double *a_w);

#endif
