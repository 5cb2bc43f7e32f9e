/**
 * The parity learning problem of C.1 for the Trainer — and the only module a
 * gradient worker thread loads (`train.workers`: the worker `require()`s this
 * file's build and calls `parityWorkerProblem`), so it imports nothing but tfjs,
 * the Transformer and the parity task.
 */
import * as tf from "@tensorflow/tfjs";
import { TokenBatch, TransformerConfig, forward, makeBatch, sliceBatch } from "../../nn/transformer";
import { parity } from "../../tasks/parity-data";
import type { TrainProblem } from "../../train/trainer";

/** A training minibatch: the token layout and the parity labels. */
export interface ParityBatch {
  tokens: TokenBatch;
  labels: Int32Array;
}

/**
 * The parity learning problem (C.1): minibatches drawn uniformly with replacement
 * from the training split; NLL = Σ −log₂ softmax(logits at SEP)[parity].
 */
export function parityProblem(cfg: TransformerConfig, layers: number, train: readonly (readonly number[])[]): TrainProblem<ParityBatch> {
  return {
    batch: (rng, size) => {
      const xs = Array.from({ length: size }, () => train[Math.floor(rng() * train.length)]);
      return { tokens: makeBatch(cfg, xs), labels: Int32Array.from(xs, (x) => parity(x)) };
    },
    slice: (b, start, end) => ({ tokens: sliceBatch(b.tokens, start, end), labels: b.labels.slice(start, end) }),
    nllBits: (w, b) =>
      tf.tidy(() => {
        const r = forward(cfg, w, b.tokens, { layers });
        const logp = tf.logSoftmax(r.logits);
        const y = tf.oneHot(tf.tensor1d(b.labels, "int32"), cfg.classes);
        return tf.div(tf.neg(tf.sum(tf.mul(logp, y))), Math.LN2) as tf.Scalar;
      }),
  };
}

/**
 * `parityProblem` as a gradient worker thread rebuilds it (Trainer `workers`, `train.workers`): a
 * worker only evaluates the NLL of the minibatches it is sent, so it needs no training set.
 */
export function parityWorkerProblem(args: { cfg: TransformerConfig; layers: number }): TrainProblem<ParityBatch> {
  return parityProblem(args.cfg, args.layers, []);
}

/** The `ProblemSource` of gradient workers for this problem: this module's compiled file. */
export function parityProblemSource(cfg: TransformerConfig, layers: number): { module: string; factory: string; args: { cfg: TransformerConfig; layers: number } } {
  return { module: __filename, factory: "parityWorkerProblem", args: { cfg, layers } };
}
