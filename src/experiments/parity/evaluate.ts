/**
 * Scoring parity models: the model config of a run, the evaluation sets every
 * row shares, forward passes that score inputs with point weights or posterior
 * samples, and accuracy by length.
 */
import * as tf from "@tensorflow/tfjs";
import { PAPER_TRANSFORMER, TransformerConfig, disposeForward, forward, makeBatch } from "../../nn/transformer";
import type { Weights } from "../../nn/param-tree";
import type { Posterior } from "../../variational";
import { generateParitySplit, parity, paritySplits } from "../../tasks/parity-data";
import { rngStream } from "../../core/rng";
import type { Progress } from "../../core/progress";
import type { ParityConfig } from "./config";
import type { LengthAccuracy } from "./types";

/** The Transformer of a run (its DyT α: model.normAlpha, or `alpha`). */
export function modelConfig(c: ParityConfig, alpha = c.model.normAlpha): TransformerConfig {
  const { layers: _layers, ...m } = c.model;
  return { ...PAPER_TRANSFORMER, ...m, normAlpha: alpha, inputVocab: 2, classes: 2 };
}

/** Per-example results of a forward pass. */
export interface Scored {
  correct: boolean[];
  nllBits: number[];
  margin: number[];
}

/** Weights for one scoring batch; `owned` ones are disposed after it. */
export type WeightsFor = (batch: number) => { w: Weights; owned: boolean };

/**
 * Scores inputs with the weights `weightsFor(batchIndex)` (a fresh posterior
 * sample per batch, as C.1 shares one sample across a minibatch); batches group
 * equal lengths so no compute is spent on padding.
 */
export function score(cfg: TransformerConfig, layers: number, inputs: number[][], batchSize: number, weightsFor: WeightsFor, progress?: Progress): Scored {
  const order = inputs.map((_, i) => i).sort((a, b) => inputs[a].length - inputs[b].length);
  const out: Scored = { correct: new Array(inputs.length), nllBits: new Array(inputs.length), margin: new Array(inputs.length) };
  let b = 0;
  for (let i = 0; i < order.length; ) {
    const len = inputs[order[i]].length;
    const idx: number[] = [];
    while (i < order.length && inputs[order[i]].length === len && idx.length < batchSize) idx.push(order[i++]);
    const { w, owned } = weightsFor(b++);
    const r = forward(cfg, w, makeBatch(cfg, idx.map((k) => inputs[k])), { layers });
    const logits = r.logits.arraySync();
    disposeForward(r);
    if (owned) tf.dispose(Object.values(w));
    idx.forEach((k, j) => {
      const y = parity(inputs[k]);
      const [l0, l1] = logits[j];
      const z = y === 1 ? l1 - l0 : l0 - l1; // log-odds of the true label
      out.correct[k] = z > 0;
      out.nllBits[k] = (Math.max(0, -z) + Math.log1p(Math.exp(-Math.abs(z)))) / Math.LN2;
      out.margin[k] = z;
    });
    progress?.update(i);
  }
  return out;
}

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
export const acc = (s: Scored) => mean(s.correct.map(Number));

/** A fresh posterior sample per scoring batch, seeded `seed + batch`. */
export function sampler(post: Posterior, seed: number): WeightsFor {
  return (b: number) => ({ w: post.sample(seed + b), owned: true });
}

/** Evaluation inputs shared by every row: a prefix of the training split, the OOD split, a balanced set per length 1…2·trainMaxLen. */
export interface EvalSets {
  train: number[][];
  ood: number[][];
  byLength: number[][][];
  /** Continues the per-length stream (the manual row's sweep inputs come from it). */
  rng: () => number;
}

export function evalSets(config: ParityConfig, seed: number): EvalSets {
  const maxLen = 2 * config.data.trainMaxLen;
  const [trainSpec, oodSpec] = paritySplits(seed, { trainSize: config.data.trainSize, trainMaxLen: config.data.trainMaxLen, testSize: config.eval.oodExamples });
  const train = generateParitySplit({ ...trainSpec, size: Math.min(config.eval.trainExamples, trainSpec.size) }).map((x) => Array.from(x));
  const ood = generateParitySplit(oodSpec).map((x) => Array.from(x));
  const rng = rngStream(seed, "parity/by-length");
  const byLength = Array.from({ length: maxLen }, (_, i) => Array.from({ length: config.eval.perLength }, () => Array.from({ length: i + 1 }, () => (rng() < 0.5 ? 1 : 0))));
  return { train, ood, byLength, rng };
}

/** Accuracy per length from scores of `sets.byLength.flat()` (at the means; `sampled`: with posterior samples, or none). */
export function accuracyByLength(byLength: number[][][], perLength: number, means: Scored, sampled: Scored | null): LengthAccuracy[] {
  return byLength.map((xs, i) => {
    const k = xs.map((_, j) => i * perLength + j);
    return {
      length: i + 1,
      accuracy: mean(k.map((j) => Number(means.correct[j]))),
      sampledAccuracy: sampled ? mean(k.map((j) => Number(sampled.correct[j]))) : null,
      examples: xs.length,
    };
  });
}
