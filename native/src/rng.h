/* tfjs's seeded normal generator (tf.randomNormal with a seed) in C. */
#ifndef KCDL_RNG_H
#define KCDL_RNG_H
#include <stddef.h>

/* The state of seedrandom's alea generator (what `alea(seed, {state: true}).state()` returns). */
typedef struct {
  double s0, s1, s2, c;
} kcdl_alea;

/*
 * n draws of N(mean, std²) as tfjs's MPRandGauss makes them (Marsaglia's polar method on
 * alea's uniforms, both values of each pair used, in order; doubles rounded to float at
 * the end), so the same seed gives the same numbers up to the C library's log against
 * JavaScript's Math.log.
 */
void kcdl_normal_alea(float *out, size_t n, kcdl_alea st, double mean, double std);

#endif
