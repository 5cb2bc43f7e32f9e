/**
 * Checkpoints of the MLP on the identity task (C.2): MLE and variational training from
 * He-normal init, and variational training from the manual solution (λ = mlp.lambda), with
 * the mlp-identity experiment's training settings (its config's defaults; mlp.steps
 * steps) and RNG streams, so at the defaults each run is that experiment's row. The Trainer's evaluation hook snapshots w* (the point weights or the posterior
 * means) and the KL every steps/mlp.checkpoints steps; each snapshot is then measured
 * (measure.ts) on L_n = the mean NLL over the 16 vectors (the training distribution), in
 * nats, with full-batch SGLD.
 */
import * as tf from "@tensorflow/tfjs";
import type { RunContext } from "../../lab/experiment";
import { resolveSchema } from "../../lab/schema";
import { opSeed, rngStream } from "../../core/rng";
import { LN2 } from "../../codes/normal";
import { ParamSpec, PointWeights, Weights } from "../../nn/param-tree";
import { heNormalInit, manualIdentityWeights, mlpLogits, mlpNllBits, mlpSpecs } from "../../nn/mlp";
import { identityAll, identityBatch, IdentityBatch } from "../../tasks/identity";
import { AdaptivePrior, Posterior, klByGroup, sampledPriorInit } from "../../variational";
import { optimalPrior } from "../../codes/optimal-prior";
import { gmm } from "../../codes/gmm";
import { Trainer, TrainModel, TrainProblem } from "../../train/trainer";
import { flatten, treeTarget } from "../../slt";
import { schema as mlpSchema } from "../mlp-identity/config";
import { trainOptions } from "../mlp-identity/run";
import type { LlcConfig } from "./config";
import { measure, sgldOptions } from "./measure";
import type { CheckpointRecord } from "./types";

const SHAPE = { inputs: 4, hidden: 16, outputs: 4 };

const problem: TrainProblem<IdentityBatch> = {
  batch: (rng, size) => identityBatch(4, rng, size),
  nllBits: (w, b) => mlpNllBits(w, b.x, b.y),
};

/** The LLC target of the MLP: L_n = mean NLL (nats) over the 16 vectors, one full batch. */
function mlpTarget(specs: ParamSpec[], all: IdentityBatch) {
  return treeTarget(
    specs,
    { n: 16, sample: () => all, all: () => [{ batch: all, count: 16 }] },
    (w, b) => tf.mul(mlpNllBits(w, b.x, b.y), LN2) as tf.Scalar,
  );
}

/** Fraction of the 64 output bits right at weights w. */
function accuracy(w: Weights, all: IdentityBatch): number {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.cast(tf.greater(mlpLogits(w, all.x), 0), "float32"), all.y), "float32")).dataSync()[0]);
}

interface Snapshot {
  step: number;
  w: Float64Array;
  accuracy: number;
  klBits: number | null;
}

/** Trains one run, snapshotting w* every `every` steps (and at the start and the end). */
async function trainRun(c: LlcConfig, ctx: RunContext, key: string, specs: ParamSpec[], model: TrainModel, klCoef: number, all: IdentityBatch): Promise<Snapshot[]> {
  const [init] = key.split("/");
  const trainerSeedName = model.kind === "mle" ? "mlp-identity/mle" : `mlp-identity/${init}/${klCoef}`;
  const every = Math.max(1, Math.ceil(c.mlp.steps / c.mlp.checkpoints));
  const mc = resolveSchema(mlpSchema, [{ train: { steps: c.mlp.steps, evalEvery: every } }]);
  const snaps: Snapshot[] = [];
  const snapshot = (_t: unknown, step: number) => {
    if (model.kind === "mle") {
      const w = model.point.weights();
      snaps.push({ step, w: flatten(specs, model.point.values()), accuracy: accuracy(w, all), klBits: null });
    } else {
      const means = model.posterior.means();
      const values = Object.fromEntries(specs.map((s) => [s.name, means[s.name].dataSync()]));
      const kl = klByGroup(model.posterior, model.prior, { samples: c.klSamples, seed: opSeed(ctx.seed, `llc/mlp/${key}/${step}/kl`) }).total;
      snaps.push({ step, w: flatten(specs, values), accuracy: accuracy(means, all), klBits: kl });
      tf.dispose(Object.values(means));
    }
    return {};
  };
  const trainer = new Trainer({
    problem,
    model,
    options: trainOptions(mc, model.kind, klCoef),
    seed: opSeed(ctx.seed, trainerSeedName),
    progress: ctx.progress,
    label: `llc: MLP ${key} (train)`,
    evaluate: snapshot,
  });
  const t0 = Date.now();
  await trainer.run();
  ctx.timings[`mlp/${key}.trainSeconds`] = (Date.now() - t0) / 1000;
  trainer.dispose();
  return snaps;
}

/** Every MLP checkpoint, measured. */
export async function mlpCheckpoints(c: LlcConfig, ctx: RunContext): Promise<CheckpointRecord[]> {
  const specs = mlpSpecs(SHAPE);
  const all = identityAll(4);
  const target = mlpTarget(specs, all);
  // the mlp-identity experiment's streams, so each run is that experiment's row (its Table 2 run)
  const init = heNormalInit(specs, rngStream(ctx.seed, "mlp-identity/init"));
  const manual = manualIdentityWeights(SHAPE, c.mlp.lambda);
  const mc = resolveSchema(mlpSchema, []);
  const runs: { key: string; init: "random" | "manual"; make: () => { model: TrainModel; dispose: () => void }; klCoef: number }[] = [
    {
      key: "random/mle",
      init: "random",
      klCoef: 1,
      make: () => {
        const point = new PointWeights(specs, init);
        return { model: { kind: "mle", point }, dispose: () => point.dispose() };
      },
    },
    {
      key: "random/variational",
      init: "random",
      klCoef: c.mlp.klCoef,
      make: () => {
        const posterior = new Posterior(specs, { means: init, nu: mc.posterior.nu });
        const K = mc.prior.components;
        const prior = new AdaptivePrior(specs, init, { grouping: "all", components: K, init: sampledPriorInit(rngStream(ctx.seed, "mlp-identity/prior"), K, mc.prior.nu) });
        return { model: { kind: "variational", posterior, prior }, dispose: () => (posterior.dispose(), prior.dispose()) };
      },
    },
    {
      key: "manual/variational",
      init: "manual",
      klCoef: c.mlp.manualKlCoef,
      make: () => {
        // B.9.3: the manual weights' optimal prior, a component at each distinct value at the posterior's ν
        const flat = specs.flatMap((s) => Array.from(manual[s.name]));
        const o = optimalPrior(flat).prior;
        const posterior = new Posterior(specs, { means: manual, nu: mc.posterior.nu });
        const prior = new AdaptivePrior(specs, manual, { grouping: "all", components: o.mu.length, init: () => gmm(o.mu, o.mu.map(() => mc.posterior.nu), o.w) });
        return { model: { kind: "variational", posterior, prior }, dispose: () => (posterior.dispose(), prior.dispose()) };
      },
    },
  ];
  const out: CheckpointRecord[] = [];
  for (const r of runs) {
    const m = r.make();
    const snaps = await trainRun(c, ctx, r.key, specs, m.model, r.klCoef, all);
    m.dispose();
    for (const s of snaps) {
      if (s.step === 0 && r.init === "random") continue; // the initialisation is no critical point
      const compiled = s.step === 0;
      const measured = measure(c, ctx, { name: `mlp/${r.key}/${s.step}`, label: `llc: MLP ${compiled ? "manual" : r.key} step ${s.step} (SGLD)` }, target, specs, s.w, sgldOptions(c, 16));
      out.push({
        family: "mlp",
        run: compiled ? "manual" : r.key,
        init: r.init,
        objective: compiled ? "compiled" : (r.key.split("/")[1] as "mle" | "variational"),
        step: s.step,
        accuracy: s.accuracy,
        klBits: s.klBits,
        ...measured,
      });
    }
  }
  tf.dispose([all.x, all.y]);
  return out;
}
