/**
 * The config of `asymptotics` (Sections 4–5: Definition 3, Proposition 2, Theorem 1, Fig. 3,
 * Proposition 3; Theorem 2 for zmap's row): a prefix machine, the length L up to which every
 * program is enumerated, the input universe, the grid of resource bounds R = (R_t, R_s), the
 * target functions of K_{T,R}(f) and the datasets of C^{2p}_{T,R}(Y | X). No key is a training
 * setting, so none is in the shared train/optimizer/posterior/prior vocabulary.
 */
import type { DeepPartial } from "../../core/config";
import type { Preset } from "../../lab/experiment";
import { ConfigOf, bool, int, nums, oneOf, strs } from "../../lab/schema";
import { BOOLEAN_FUNCTION_NAMES } from "../../tasks/boolean-functions";

export const ASYMPTOTICS_MACHINES = ["bitlang"] as const;

/** 10, 15, …, 120, then 160, 240: fine where bitlang's parity programs start to halt, coarse beyond. */
const RT_GRID = [...Array.from({ length: 23 }, (_, i) => 10 + 5 * i), 160, 240];
/** 2, 4, …, 24. */
const RS_GRID = Array.from({ length: 12 }, (_, i) => 2 * (i + 1));

export const schema = {
  machine: oneOf(ASYMPTOTICS_MACHINES, "bitlang", "Prefix machine T: bitlang (a self-delimiting loop language, B.3); its programs are prefix-free, so 2^(−|z|) is a prior (Proposition 1)."),
  maxLength: int(20, "L: every program of up to L bits is enumerated (≈ 45 s at 20 on one core; 22 would take ~3×). 20 holds the straight-line parity program for inputs up to 4 bits (18 bits) beside the 8-bit loop.", { min: 1 }),
  maxInputLength: int(4, "The input universe 𝒳: every binary string of length 0 … this (31 strings at 4). The model function of a program is its logits on all of them.", { min: 0 }),
  bounds: {
    rt: nums(RT_GRID, "R_t grid (machine steps, B.3); its largest value is R_max's: one run per (program, input) there gives every smaller bound.", { integer: true, min: 1, nonEmpty: true }),
    rs: nums(RS_GRID, "R_s grid (cells of each tape, B.3); its largest value must be ≥ L, and every program of L bits fits with the work cells it uses.", { integer: true, min: 1, nonEmpty: true }),
  },
  targets: strs(
    ["zero", "first", "second", "first-xor-second", "parity", "odd-positions", "even-positions", "last", "one"],
    "Label functions whose K_{T,R}(f) is measured (tasks/boolean-functions.ts): parities of fixed positions, which bitlang expresses, and last/one, which it cannot (K = ∞ on this machine).",
    BOOLEAN_FUNCTION_NAMES,
    { nonEmpty: true },
  ),
  data: {
    targets: strs(["parity", "first"], "Label functions of the datasets: parity (a loop beats straight-line code once R_t allows it) and first bit (short at every R).", BOOLEAN_FUNCTION_NAMES, { nonEmpty: true }),
    noise: nums([0, 0.1, 0.3], "Label-noise rates: each label flipped with this probability (seeded); at 0.3 the NLL term dominates the program's bits.", { min: 0, max: 1, nonEmpty: true }),
    size: int(64, "Examples per dataset, drawn uniformly (seeded) from the input universe, shared by every dataset.", { min: 1 }),
  },
  zmap: {
    enabled: bool(true, "Compile zmap(T, R, z*) for each dataset's two-part minimiser z* at R_max and measure its variational codelength (Theorem 2's KL + the compiled Transformer's NLL), for Fig. 3's chain."),
  },
};

export type AsymptoticsConfig = ConfigOf<typeof schema>;

export const presets: Record<Preset, DeepPartial<AsymptoticsConfig>> = {
  // smoke: seconds — programs of up to 10 bits on inputs of up to 2 bits, a coarse grid, two datasets.
  smoke: {
    maxLength: 10,
    maxInputLength: 2,
    bounds: { rt: [10, 20, 30, 40, 60], rs: [4, 8, 12] },
    targets: ["zero", "first", "parity", "last"],
    data: { targets: ["parity"], noise: [0, 0.3], size: 16 },
  },
  // cpu: the defaults (about a minute of enumeration on one core, then a few zmap compilations).
  cpu: {},
  // paper: the paper has no such experiment; the same as cpu.
  paper: {},
};
