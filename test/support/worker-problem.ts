/** A small parity Transformer problem for the gradient-worker tests, rebuilt in each worker from its args. */
import * as tf from "@tensorflow/tfjs";
import * as transformer from "../../src/nn/transformer";
import type { TrainProblem } from "../../src/train/trainer";

export interface ParityBatch {
  tokens: transformer.TokenBatch;
  labels: number[];
}

export const tinyConfig: transformer.TransformerConfig = {
  ...transformer.PAPER_TRANSFORMER,
  dModel: 16,
  dHead: 8,
  dMlp: 32,
  promptTokens: 2,
  relWindow: 3,
  normScale: "learnable",
};

/** The problem: parity of mixed-length bit strings, NLL in bits at SEP after `layers` blocks. */
export function tinyParityProblem(args: { layers: number }): TrainProblem<ParityBatch> {
  const cfg = tinyConfig;
  return {
    batch(rng, size) {
      const inputs: number[][] = Array.from({ length: size }, (_, i) => Array.from({ length: 1 + (i % 5) }, () => (rng() < 0.5 ? 1 : 0)));
      return { tokens: transformer.makeBatch(cfg, inputs), labels: inputs.map((x) => x.reduce((a, b) => a ^ b, 0)) };
    },
    slice: (b, s, e) => ({ tokens: transformer.sliceBatch(b.tokens, s, e), labels: b.labels.slice(s, e) }),
    nllBits: (w, b) =>
      tf.tidy(() => {
        const logits = transformer.forward(cfg, w, b.tokens, { layers: args.layers }).logits;
        const y = tf.oneHot(tf.tensor1d(b.labels, "int32"), cfg.classes);
        return tf.div(tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(logits)))), Math.LN2) as tf.Scalar;
      }),
  };
}
