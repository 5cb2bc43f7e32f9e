/**
 * The config of `prior-collapse`: which remedies (remedies.ts) run, on how many seeds,
 * at which KL coefficient, and how many of the best then run on parity. The runs
 * themselves are `mlp-identity` and `parity` at this experiment's preset with each
 * remedy's overrides, through the sweep tool (lab/sweep.ts).
 */
import { ConfigOf, int, num, oneOf, strs } from "../../lab/schema";
import type { DeepPartial } from "../../core/config";
import type { Preset } from "../../lab/experiment";
import { REMEDY_NAMES } from "./remedies";

export const schema = {
  remedies: strs([...REMEDY_NAMES], 'The remedies to run (remedies.ts), in this order; "baseline" must be among them', REMEDY_NAMES, { nonEmpty: true }),
  seeds: int(5, "Seeds per remedy: --seed s runs mlp-identity at seeds s, s+1, …, s+seeds−1", { min: 1 }),
  klCoef: num(
    1e-3,
    "The one KL coefficient of every random-init mlp-identity run: 10⁻³ = 128 / 128,000, the minibatch's share of the training set whose codelength is reported (C.1; Table 2's and Fig. 9's learned row)",
    { min: 0 },
  ),
  nearManual: num(0.1, "A run reaches the manual solution when its codelength (KL + NLL) is at most (1 + nearManual) × the manual row's at the same seed", { min: 0 }),
  jobs: int(0, "Runs at once (child processes); 0 = one per core", { min: 0 }),
  parity: {
    best: int(2, "The best remedies on MLP identity (lowest mean codelength, baseline excluded, among those that carry over) then run on parity; 0 = none", { min: 0 }),
    seeds: int(1, "Seeds of each parity run (starting at --seed)", { min: 1 }),
    baseline: oneOf(
      ["table1", "run"] as const,
      "table1",
      '"table1": compare against the parity experiment\'s own results at this preset and seed (Table 1; `kcdl run parity` first); "run": run the baseline here too',
    ),
  },
};

export type PriorCollapseConfig = ConfigOf<typeof schema>;

export const presets: Record<Preset, DeepPartial<PriorCollapseConfig>> = {
  // smoke: seconds for tests — three remedies, two seeds, mlp-identity's and parity's smoke runs.
  smoke: { remedies: ["baseline", "prior-lr-x10", "zero-component"], seeds: 2, parity: { best: 1, baseline: "run" } },
  // cpu: every remedy, 5 seeds, 1,000 steps each (mlp-identity at cpu); the best two on parity at cpu.
  cpu: {},
  paper: {},
};
