/**
 * The config of `zmap` (B.5, B.10): every key with its value and why. No key is
 * a training setting, so none is in the shared train/optimizer/posterior/prior
 * vocabulary; enum-like fields (machines, selector and ratio programs) are choices.
 */
import type { DeepPartial } from "../../core/config";
import type { Preset } from "../../lab/experiment";
import { ConfigOf, bool, int, num, nums, oneOf, str, strs } from "../../lab/schema";
import { MACHINE_KEYS, RATIO_PROGRAMS, SELECTOR_PROGRAMS } from "./machines";

interface RunDefaults {
  programs: string[];
  maxInputLength: number;
  rt: number;
  rs: number;
}

/** One machine's section: programs, inputs checked, and the resource bounds R = (R_t, R_s). */
function machineRun(v: RunDefaults, programsDoc: string, why: string, choices?: readonly string[]) {
  return {
    programs: strs(v.programs, programsDoc, choices, { nonEmpty: true }),
    maxInputLength: int(v.maxInputLength, `Every binary input of length 0 … maxInputLength is checked. ${why}`),
    rt: int(v.rt, "Time bound R_t (machine steps = layers − 1). Large enough for every checked run to halt.", { min: 1 }),
    rs: int(v.rs, "Space bound R_s (prompt tokens, B.5.6): at least |z| plus the work cells the programs use.", { min: 1 }),
  };
}

export const schema = {
  selector: machineRun(
    { programs: ["zero", "one", "first", "parity"], maxInputLength: 5, rt: 16, rs: 4 },
    "Selector programs (a 2-bit program selects one of four functions); all four.",
    "5: 63 inputs per program, parity needs every bit.",
    SELECTOR_PROGRAMS,
  ),
  bitlang: machineRun(
    { programs: ["OUT", "NEXT FLIP OUT", "NEXT NEXT FLIP OUT", "NEXT FLIP LOOP OUT"], maxInputLength: 3, rt: 100, rs: 12 },
    'bitlang programs as source ("NEXT FLIP LOOP OUT"; FLIP 00, NEXT 01, LOOP 10, OUT 11): straight-line programs of growing |z| and one loop (parity).',
    "3: the loop's runs are long (tens of layers), so a few inputs suffice.",
  ),
  ratio: machineRun(
    { programs: ["0", "1"], maxInputLength: 5, rt: 24, rs: 8 },
    "ratio programs: the sign bit of logit 0 (signed rational logits with denominators > 1, to exercise eq. 28); both.",
    "5: denominators up to 6.",
    RATIO_PROGRAMS,
  ),
  logitTolerance: num(1e-3, "Largest relative error |ŷ − y| / max(1, |y|) of a Transformer logit that counts as equal (numerical variables pass tanh at εx, compiler.ts; the error is about (αεx)², far below 1e−3).", { min: 0 }),
  theorem2: {
    rs: nums([12, 24, 48], "R_s values at which Theorem 2's KL is measured (each must be ≥ |z| + 2 for bitlang): doublings, to show only the prompt table grows.", { integer: true, min: 1, nonEmpty: true }),
  },
  compile: {
    attentionScale: num(40, "Attention logit margin A (hard attention as A → ∞); 40 keeps hundreds of layers exact (20 loses the looping program after ~30 layers).", { min: 0 }),
    paramScale: num(10, "Residual magnitude s of every variable.", { min: 0 }),
    clampRules: bool(true, "Clamped two-unit rules (compiler.ts `clampRules`): an update is exactly Δ or 0 even when its atoms carry small errors."),
    restoreHeads: bool(true, "Restoring units on every head output (compiler.ts `restoreHeads`): per-layer errors decay instead of integrating over hundreds of layers."),
    numericalScale: num(1e-3, "ε of numerical variables (compiler.ts `numericalScale`): held as εx where tanh is nearly linear.", { min: 1e-12 }),
  },
  trace: {
    machine: oneOf(MACHINE_KEYS, "bitlang", "Machine whose head positions are traced layer by layer: bitlang, whose loop moves every head."),
    program: str("NEXT FLIP LOOP OUT", "Program of the traced run, written as in the machine's section (a selector name, bitlang source, or ratio's bit): the parity loop."),
    input: nums([1, 0, 1], "Input of the traced run (bits): three bits, so the loop runs several times.", { integer: true, min: 0, max: 1 }),
  },
};

export type ZmapConfig = ConfigOf<typeof schema>;

export const presets: Record<Preset, DeepPartial<ZmapConfig>> = {
  // smoke: seconds — fewer programs and shorter inputs.
  smoke: {
    selector: { programs: ["first", "parity"], maxInputLength: 2 },
    bitlang: { programs: ["NEXT FLIP OUT"], maxInputLength: 1, rt: 40 },
    ratio: { programs: ["1"], maxInputLength: 2, rt: 14 },
    theorem2: { rs: [12, 24] },
    trace: { input: [1] },
  },
  // cpu: the defaults (a few minutes on 2 cores, mostly compiling bitlang once per program).
  cpu: {},
  // paper: the paper gives no sizes for its zmap checks ("verified using unit tests"); same as cpu.
  paper: {},
};
