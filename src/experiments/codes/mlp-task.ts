/**
 * The codes of C.2's identity task on the 4 → 16 → 4 MLP (eq. 104): uniform (4 bits per example);
 * variational (eq. 86) from the manual solution (λ, C.2) under its optimal prior (B.9.3, one group
 * for all weights as in C.2) and from He-normal init (C.2's objective, one 3-component prior);
 * prequential (an MLP trained by MLE on each doubling prefix encodes the next block); two-part with
 * quantised weights (manual weights as they are; the last prequential model's best δ). The 16
 * vectors are the whole input space, so there is no OOD split.
 */
import * as tf from "@tensorflow/tfjs";
import { heNormalInit, manualIdentityWeights, mlpLogits, mlpNllBits, mlpNllBitsPerExample, mlpSpecs } from "../../nn/mlp";
import { PointWeights, Weights, WeightValues } from "../../nn/param-tree";
import { AdaptivePrior, Posterior, klByGroup, sampledPriorInit, weightGroups } from "../../variational";
import { Trainer, TrainProblem } from "../../train/trainer";
import { trainerOptions } from "../../lab/vocabulary";
import { codelength, priorParameterBits } from "../../codes/codelength";
import { optimalPriorKl } from "../../codes/optimal-prior";
import { quantise, quantisedModelBits } from "../../codes/quantised";
import { doublingBlocks, prequentialCode } from "../../codes/prequential";
import { uniformCodeBits } from "../../codes/two-part";
import { binaryVectors } from "../../tasks/identity";
import { opSeed, rngStream } from "../../core/rng";
import type { RunContext } from "../../lab/experiment";
import type { CodesConfig } from "./config";
import type { CodeRow, TaskRecord } from "./types";

const D = 4;

/** The dataset: `size` vectors drawn uniformly from {0,1}⁴ (indices into binaryVectors(4)). */
function identityData(size: number, seed: number): number[][] {
  const vs = binaryVectors(D);
  const rng = rngStream(seed, "codes/mlp-identity/data");
  return Array.from({ length: size }, () => vs[Math.floor(rng() * vs.length)]);
}

/** NLL (bits, eq. 105) of rows under weights `w`, and the bit accuracy on the 16 vectors. */
function scoreMlp(w: Weights, rows: number[][]): { nll: number; acc: number } {
  return tf.tidy(() => {
    const x = tf.tensor2d(rows, [rows.length, D], "float32");
    const nll = tf.sum(mlpNllBitsPerExample(w, x, x)).dataSync()[0];
    const all = tf.tensor2d(binaryVectors(D), undefined, "float32");
    const right = tf.equal(tf.cast(tf.greater(mlpLogits(w, all), 0), "float32"), all);
    return { nll, acc: tf.mean(tf.cast(right, "float32")).dataSync()[0] };
  });
}

const asWeights = (specs: ReturnType<typeof mlpSpecs>, v: WeightValues): Weights => Object.fromEntries(specs.map((s) => [s.name, tf.tensor(Array.from(v[s.name]), s.shape, "float32")]));

/** Minibatches drawn uniformly from the first `end` rows. */
function problem(rows: number[][], end: number): TrainProblem<{ x: tf.Tensor2D }> {
  return {
    batch: (rng, size) => ({ x: tf.tensor2d(Array.from({ length: size }, () => rows[Math.floor(rng() * end)]), [size, D], "float32") }),
    nllBits: (w, b) => mlpNllBits(w, b.x, b.x),
  };
}

/** Training keys of the MLP rows: the shared train.* with the identity section's steps, rate and KL weight. */
function mlpTrain(c: CodesConfig, steps: number) {
  return { ...c.train, steps, lr: c.identity.lr, finalLr: c.identity.lr / 10 };
}

/** Mean NLL and accuracy over posterior samples. */
function posteriorScores(post: Posterior, rows: number[][], samples: number, seed: number) {
  let nll = 0;
  let acc = 0;
  for (let s = 0; s < samples; s++) {
    const w = post.sample(seed + s);
    const r = scoreMlp(w, rows);
    tf.dispose(Object.values(w));
    nll += r.nll / samples;
    acc += r.acc / samples;
  }
  return { nll, acc };
}

export async function mlpIdentityTask(c: CodesConfig, ctx: RunContext): Promise<{ rows: CodeRow[]; record: TaskRecord }> {
  const shape = { inputs: D, hidden: c.identity.hidden, outputs: D };
  const specs = mlpSpecs(shape);
  const rows = identityData(c.identity.size, ctx.seed);
  const n = rows.length;
  const arch = `MLP ${D} → ${c.identity.hidden} → ${D}`;
  const out: CodeRow[] = [];
  const row = (r: Omit<CodeRow, "task">) => out.push({ task: "mlp-identity", ...r });
  row({ code: "uniform", model: "none", init: null, seed: null, steps: null, modelBits: null, dataBits: null, totalBits: D * uniformCodeBits(n, 2), codelength: null, trainAcc: null, oodAcc: null, note: "n · 4 bits (four binary outputs)" });

  // manual solution (C.2, λ): eq. 86 under its optimal prior, and the quantised two-part code of its weights
  const manual = manualIdentityWeights(shape, c.identity.lambda);
  const flat = Object.fromEntries(specs.map((s) => [s.name, Array.from(manual[s.name])]));
  const kl = optimalPriorKl(weightGroups(specs, flat, "all"), c.posterior.nu);
  const klBits = kl.reduce((a, g) => a + g.klBits, 0);
  const post = new Posterior(specs, { means: manual, nu: c.posterior.nu });
  const ps = posteriorScores(post, rows, c.eval.posteriorSamples, opSeed(ctx.seed, "codes/mlp-identity/manual"));
  post.dispose();
  const priorBits = kl.reduce((a, g) => a + priorParameterBits({ groups: 1, components: g.prior.mu.length }), 0);
  row({ code: "variational", model: `${arch} (manual solution, λ = ${c.identity.lambda}, posterior ν = ${c.posterior.nu})`, init: "compiled", seed: ctx.seed, steps: 0, modelBits: klBits, dataBits: ps.nll, totalBits: klBits + ps.nll, codelength: codelength(klBits, ps.nll, priorBits), trainAcc: ps.acc, oodAcc: null, note: "KL under the optimal prior of all weights (B.9.3), exact by quadrature; accuracy per output bit on the 16 vectors" });
  const qm = quantisedModelBits([{ group: "all", weights: specs.flatMap((s) => flat[s.name]) }]);
  const wm = asWeights(specs, manual);
  const sm = scoreMlp(wm, rows);
  tf.dispose(Object.values(wm));
  row({ code: "two-part (quantised)", model: `${arch} (manual weights as they are, δ = 0)`, init: "compiled", seed: null, steps: 0, modelBits: qm.bits, dataBits: sm.nll, totalBits: qm.bits + sm.nll, codelength: null, trainAcc: sm.acc, oodAcc: null, note: "one group for all weights" });

  // random init, variational (C.2's objective)
  const init = heNormalInit(specs, rngStream(ctx.seed, "codes/mlp-identity/init"));
  const posterior = new Posterior(specs, { means: init, nu: c.posterior.nu });
  const prior = new AdaptivePrior(specs, init, { grouping: "all", components: c.prior.components, init: sampledPriorInit(rngStream(ctx.seed, "codes/mlp-identity/prior"), c.prior.components, c.prior.nu) });
  const trainer = new Trainer({
    problem: problem(rows, n),
    model: { kind: "variational", posterior, prior },
    options: trainerOptions(mlpTrain(c, c.identity.steps), c.optimizer, { objective: "variational", klCoef: c.identity.klCoef }),
    seed: opSeed(ctx.seed, "codes/mlp-identity/variational"),
    progress: ctx.progress,
    label: "codes mlp-identity: variational from random init",
  });
  await trainer.run();
  trainer.dispose();
  const klR = klByGroup(posterior, prior, { samples: 100, seed: opSeed(ctx.seed, "codes/mlp-identity/kl") }).total;
  const pr = posteriorScores(posterior, rows, c.eval.posteriorSamples, opSeed(ctx.seed, "codes/mlp-identity/variational-eval"));
  posterior.dispose();
  prior.dispose();
  row({ code: "variational", model: `${arch} (He-normal init, one ${c.prior.components}-component prior)`, init: "random", seed: ctx.seed, steps: c.identity.steps, modelBits: klR, dataBits: pr.nll, totalBits: klR + pr.nll, codelength: codelength(klR, pr.nll, priorParameterBits({ groups: 1, components: c.prior.components })), trainAcc: pr.acc, oodAcc: null, note: "KL by Monte Carlo (100 samples per weight)" });

  // prequential
  const ends = doublingBlocks(n, Math.min(c.prequential.firstBlock, n));
  let last: WeightValues | null = null;
  const preq = await prequentialCode(ends, 2 ** D, async (start, end) => {
    const point = new PointWeights(specs, heNormalInit(specs, rngStream(ctx.seed, `codes/mlp-identity/prequential/${start}`)));
    const t = new Trainer({
      problem: problem(rows, start),
      model: { kind: "mle", point },
      options: trainerOptions(mlpTrain(c, c.identity.prequentialSteps), c.optimizer, { objective: "mle", klCoef: c.identity.klCoef }),
      seed: opSeed(ctx.seed, `codes/mlp-identity/prequential/${start}`),
      progress: ctx.progress,
      label: `codes mlp-identity: prequential model on ${start} examples`,
    });
    await t.run();
    t.dispose();
    last = Object.fromEntries(Object.entries(point.values()).map(([k, v]) => [k, Float32Array.from(v)]));
    const s = scoreMlp(point.weights(), rows.slice(start, end));
    point.dispose();
    return s.nll;
  });
  const lastW = last ? asWeights(specs, last) : null;
  const sl = lastW ? scoreMlp(lastW, rows) : null;
  if (lastW) tf.dispose(Object.values(lastW));
  const lastStart = ends.length > 1 ? ends[ends.length - 2] : 0;
  row({ code: "prequential", model: `${arch} (He-normal init per block, MLE)`, init: "random", seed: ctx.seed, steps: c.identity.prequentialSteps, modelBits: null, dataBits: preq.bits, totalBits: preq.bits, codelength: null, trainAcc: sl?.acc ?? null, oodAcc: null, note: `blocks ending at ${ends.join(", ")}; the first block's 4 bits per example are the uniform code; accuracy of the last block's model (trained on ${lastStart} examples)` });

  const quantised: TaskRecord["quantised"] = [];
  if (last) {
    const lastValues: WeightValues = last;
    let best: { step: number; modelBits: number; nll: number; acc: number } | null = null;
    for (const step of c.quantise.steps) {
      const q = Object.fromEntries(specs.map((s) => [s.name, quantise(lastValues[s.name], step)]));
      const modelBits = quantisedModelBits([{ group: "all", weights: specs.flatMap((s) => Array.from(q[s.name])) }]).bits;
      const w = asWeights(specs, q);
      const s = scoreMlp(w, rows);
      tf.dispose(Object.values(w));
      quantised.push({ step, totalBits: modelBits + s.nll, trainAcc: s.acc, oodAcc: null });
      if (!best || modelBits + s.nll < best.modelBits + best.nll) best = { step, modelBits, nll: s.nll, acc: s.acc };
    }
    row({ code: "two-part (quantised)", model: `${arch} (the last prequential model, weights rounded to multiples of δ = ${best!.step})`, init: "random", seed: ctx.seed, steps: c.identity.prequentialSteps, modelBits: best!.modelBits, dataBits: best!.nll, totalBits: best!.modelBits + best!.nll, codelength: null, trainAcc: best!.acc, oodAcc: null, note: `best of δ ∈ {${c.quantise.steps.join(", ")}}` });
  }
  return {
    rows: out,
    record: {
      task: "mlp-identity",
      classes: 2 ** D,
      trainSize: n,
      oodSize: 0,
      compiled: null,
      prequential: { ends, blocks: preq.blocks },
      quantised,
      zmap: { z: null, bits: null, cT: null, oodAgrees: null, searched: 0, reason: "no prefix machine here has four binary outputs" },
    },
  };
}
