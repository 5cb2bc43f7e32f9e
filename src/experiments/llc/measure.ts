/**
 * What `llc` measures at one checkpoint w*: λ̂(w*) by SGLD (slt/sgld.ts) and the
 * critical uniform and codebook quantisation for the tolerance quant.tolerance
 * (slt/quantise.ts), both on the same empirical loss L_n.
 */
import type { RunContext } from "../../lab/experiment";
import type { ParamSpec } from "../../nn/param-tree";
import { sizeOf } from "../../nn/param-tree";
import { LlcTarget, SgldOptions, criticalQuantisation, estimateLlc } from "../../slt";
import type { LlcConfig } from "./config";
import type { CheckpointRecord } from "./types";

/** The estimator's options from sgld.* (batch size: `batchSize`). */
export function sgldOptions(c: LlcConfig, batchSize: number): SgldOptions {
  const s = c.sgld;
  return {
    sampler: s.sampler,
    lr: s.lr,
    localization: s.gamma,
    nbeta: s.nbeta,
    numChains: s.chains,
    numDraws: s.draws,
    numBurninSteps: s.burnin,
    numStepsBwDraws: 1,
    batchSize,
    rmspropAlpha: 0.99,
    rmspropEps: 0.1,
    divergenceLoss: 1e3,
  };
}

/** The LLC and the critical quantisation of w*, as the measured part of a checkpoint record. */
export function measure(
  c: LlcConfig,
  ctx: RunContext,
  where: { name: string; label: string },
  target: LlcTarget,
  specs: readonly ParamSpec[],
  wStar: Float64Array,
  options: SgldOptions,
): Pick<CheckpointRecord, "dim" | "loss" | "llc" | "llcStd" | "chainLlc" | "diverged" | "meanChainDistance" | "uniformBits" | "uniformMonotone" | "codebookBits" | "codebookCodeBits" | "codebookMonotone" | "traces"> {
  const e = estimateLlc(target, wStar, options, { seed: ctx.seed, name: where.name, progress: ctx.progress, label: where.label, traceLength: 60 });
  const segments = specs.map((s) => sizeOf(s.shape));
  const q = (kind: "uniform" | "codebook") => criticalQuantisation(kind, wStar, segments, (w) => target.fullLoss(w), c.quant.tolerance, { maxBits: c.quant.maxBits, baseLoss: e.initLoss });
  const u = q("uniform");
  const k = q("codebook");
  return {
    dim: target.dim,
    loss: e.initLoss,
    llc: e.llc,
    llcStd: e.llcStd,
    chainLlc: e.chains.map((ch) => ch.llc),
    diverged: e.diverged,
    meanChainDistance: e.chains.reduce((a, ch) => a + ch.finalDistance, 0) / e.chains.length,
    uniformBits: u.bits,
    uniformMonotone: u.monotoneAtCritical,
    codebookBits: k.bits,
    codebookCodeBits: k.codeBitsPerWeight,
    codebookMonotone: k.monotoneAtCritical,
    traces: e.chains.map((ch) => ch.trace),
  };
}
