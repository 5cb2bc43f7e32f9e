/**
 * The identity task of C.2: learn f(x) = x on {0,1}^d (d = 4: 16 vectors).
 * Minibatches over-sample the 16 vectors (C.2: 128 examples per minibatch),
 * drawn uniformly with replacement from a seeded stream.
 */
import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../core/rng";
import { UsageError } from "../core/errors";

/** All 2^d binary vectors of length d, in binary counting order (row i is i's bits, most significant first). */
export function binaryVectors(d: number): number[][] {
  if (!Number.isInteger(d) || d < 1 || d > 16) throw new UsageError(`identity task dimension must be an integer in 1..16, got ${d}`);
  return Array.from({ length: 2 ** d }, (_, i) => Array.from({ length: d }, (_, j) => (i >> (d - 1 - j)) & 1));
}

/** A minibatch of the identity task: inputs and targets (equal), [B, d] float32. */
export interface IdentityBatch {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
}

/** `size` examples drawn uniformly with replacement from the 2^d vectors (the over-sampling of C.2). */
export function identityBatch(d: number, rng: Rng, size: number): IdentityBatch {
  const vs = binaryVectors(d);
  const rows = Array.from({ length: size }, () => vs[Math.floor(rng() * vs.length)]);
  const x = tf.tensor2d(rows, [size, d], "float32");
  return { x, y: x.clone() };
}

/** Every vector once: the defined training distribution, for exact evaluation. */
export function identityAll(d: number): IdentityBatch {
  const x = tf.tensor2d(binaryVectors(d), undefined, "float32");
  return { x, y: x.clone() };
}
