/* tfjs's seeded normal draws (see rng.h). */
#include "rng.h"
#include <math.h>
#include <stdint.h>

/* alea's step, as seedrandom's lib/alea.js: t = 2091639·s0 + c·2⁻³²; c = ⌊t⌋ (t ≥ 0) */
static inline double alea_next(kcdl_alea *a) {
  const double t = 2091639.0 * a->s0 + a->c * 2.3283064365386963e-10;
  a->s0 = a->s1;
  a->s1 = a->s2;
  a->c = (double)(int32_t)t;
  return a->s2 = t - a->c;
}

void kcdl_normal_alea(float *out, size_t n, kcdl_alea st, double mean, double std) {
  size_t i = 0;
  while (i < n) {
    double v1, v2, s;
    do {
      v1 = 2 * alea_next(&st) - 1;
      v2 = 2 * alea_next(&st) - 1;
      s = v1 * v1 + v2 * v2;
    } while (s >= 1 || s == 0);
    const double mul = sqrt(-2.0 * log(s) / s);
    out[i++] = (float)(mean + std * v1 * mul);
    if (i < n) out[i++] = (float)(mean + std * v2 * mul);
  }
}
