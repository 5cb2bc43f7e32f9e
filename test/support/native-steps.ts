/**
 * A few training steps of a bench-like parity Transformer (bench/bench.js's model with
 * fewer layers and a smaller batch), run as a child process so that each run chooses
 * its kernels by environment (`KCDL_NATIVE=0` or not, `KCDL_NATIVE_THREADS`): prints
 * one JSON line {native, losses, weights} with every trainable value after the steps.
 *
 *   node native-steps.js mle|variational STEPS
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/core/backend";
import { rngStream } from "../../src/core/rng";
import * as transformer from "../../src/nn/transformer";
import { Trainer, type TrainProblem } from "../../src/train/trainer";
import { trainModel, testOptions } from "./models";
import type { ParityBatch } from "./worker-problem";

export const benchLikeConfig: transformer.TransformerConfig = {
  ...transformer.PAPER_TRANSFORMER,
  inputVocab: 2,
  promptTokens: 4,
  dModel: 64,
  heads: 2,
  dHead: 32,
  dMlp: 256,
  relWindow: 8,
  classes: 2,
  normScale: "fixed",
  normAlpha: 1,
};

/** Parity of length-12 bit strings after `layers` blocks, NLL in bits (as the bench's problem). */
export function benchLikeProblem(layers: number): TrainProblem<ParityBatch> {
  const cfg = benchLikeConfig;
  return {
    batch(rng, size) {
      const inputs: number[][] = Array.from({ length: size }, () => Array.from({ length: 12 }, () => (rng() < 0.5 ? 1 : 0)));
      return { tokens: transformer.makeBatch(cfg, inputs), labels: inputs.map((x) => x.reduce((a, b) => a ^ b, 0)) };
    },
    slice: (b, s, e) => ({ tokens: transformer.sliceBatch(b.tokens, s, e), labels: b.labels.slice(s, e) }),
    nllBits: (w, b) =>
      tf.tidy(() => {
        const logits = transformer.forward(cfg, w, b.tokens, { layers }).logits;
        const y = tf.oneHot(tf.tensor1d(b.labels, "int32"), cfg.classes);
        return tf.div(tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(logits)))), Math.LN2) as tf.Scalar;
      }),
  };
}

async function main(objective: "mle" | "variational", steps: number): Promise<void> {
  const info = await initBackend("wasm");
  const cfg = benchLikeConfig;
  const model = trainModel(objective, transformer.transformerParamSpecs(cfg), transformer.heNormalInit(cfg, rngStream(1, "native-steps/init")), { "embed/prompt": 2 });
  const options = testOptions({ objective, steps, batchSize: 32, klSamples: 20, learningRate: 1e-3 });
  const trainer = new Trainer({ problem: benchLikeProblem(3), model, options, seed: 1 });
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(trainer.stepOnce().lossBits);
  const vars = model.kind === "mle" ? model.point.namedVariables().map(([, v]) => v) : [...model.posterior.trainableVariables(), ...model.prior.trainableVariables()];
  const weights = vars.map((v) => Array.from(v.dataSync()));
  process.stdout.write(JSON.stringify({ native: info.native ?? null, losses, weights }) + "\n");
}

if (require.main === module) {
  main(process.argv[2] === "variational" ? "variational" : "mle", Number(process.argv[3] ?? 3)).catch((err) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  });
}
