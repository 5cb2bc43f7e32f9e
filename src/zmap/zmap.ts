/**
 * zmap(T, R, z) (B.5, Fig. 6): compiles the machine stage of the emulator
 * program for prefix machine T, bounds R = (R_t, R_s) and program z into the
 * weights of the looped Transformer (`src/nn/transformer.ts`), and measures
 * Theorem 2's KL for those weights (B.10, `theorem2.ts`).
 *
 * The prompt-embedding table holds the program in its `pbit` column (levels
 * {0, s}, eq. 53–54 with our compiler's binary encoding) and is constant in
 * every other column; every other tensor is independent of z and of R_t.
 */
import { CompileOptions, CompiledProgram, compile } from "../alta/compiler";
import { Bounds, PrefixMachine, checkPrefixMachine, checkProgram, checkReachableTransitions } from "./prefix-machine";
import { prefixMachineProgram, zmapLayers } from "./prefix-program";
import { Theorem2Kl, theorem2Kl } from "./theorem2";
import * as tf from "@tensorflow/tfjs";
import { disposeForward, forward, makeBatch, weightsFromValues } from "../nn/transformer";

export interface Zmap {
  compiled: CompiledProgram;
  /** Layers to run: one set-up layer, R_t machine steps, one decoding layer (R_t + 2, B.5.3). */
  layers: number;
  /** The prompt-embedding column holding the program bits. */
  programColumn: number;
}

/**
 * Compile options of zmap (compiler.ts): clamped rules (each update exactly Δ or 0 despite small
 * errors in the residual stream), restoring units on every head output (errors after the resets
 * decay instead of integrating over the layers), and a wide attention margin A = 40: where a head
 * writes every layer, an error of about s·T·e^(−A/2) per layer remains (3·10⁻⁷ here, against
 * 7·10⁻³ at A = 20, where bitlang's start flag drifts by 0.7 in 100 layers). Without clamping and
 * restoring, bitlang's loops leave the simulator after about 30 layers.
 */
export const ZMAP_COMPILE: Partial<CompileOptions> = { attentionScale: 40, paramScale: 10, clampRules: true, restoreHeads: true, numericalScale: 1e-3 };

/**
 * zmap(T, R, z): the compiled machine stage (module doc). Refuses, with a KcdlError, what it
 * cannot compile faithfully (Theorem 2 holds for z ∈ 𝒵_{T,R} only): R_t or R_s not a positive
 * integer, z not a program within R_s, and a machine whose transition is undefined somewhere
 * T_R can reach on some input (`checkReachableTransitions`).
 */
export function zmap(m: PrefixMachine, bounds: Bounds, z: readonly number[], options: Partial<CompileOptions> = {}): Zmap {
  checkPrefixMachine(m);
  checkProgram(m, z, bounds);
  checkReachableTransitions(m, z, bounds);
  const compiled = compile(prefixMachineProgram(m, z, bounds), { ...ZMAP_COMPILE, ...options, promptTokens: bounds.rs });
  const pbit = compiled.layout.find((l) => l.spec.name === "pbit");
  if (!pbit) throw new Error("zmap: the emulator program has no 'pbit' variable");
  return { compiled, layers: zmapLayers(bounds), programColumn: pbit.start };
}

/** Theorem 2's KL (B.10) of a zmap output for a program of `programBits` bits. */
export function zmapTheorem2(zm: Zmap, programBits: number): Theorem2Kl {
  const { config, values, options } = zm.compiled;
  const shapes: Record<string, number[]> = { "embed/prompt": [config.promptTokens, config.dModel] };
  const weights = Object.entries(values).map(([name, v]) => ({ name, shape: shapes[name] ?? [v.length], values: v }));
  return theorem2Kl({
    weights,
    promptTable: "embed/prompt",
    programColumn: zm.programColumn,
    programBits,
    programLevels: [0, options.paramScale],
    tolerance: 1e-6 * options.paramScale,
  });
}

/**
 * The mapping function of Fig. 6: x ↦ the logits of zmap's Transformer on input x (B.5.3:
 * f_T^z(x) for every x on which T halts within R). Runs on the active tfjs backend.
 */
export function mappingFn(zm: Zmap): (input: readonly number[]) => number[] {
  const c = zm.compiled;
  return (input) =>
    tf.tidy(() => {
      const w = weightsFromValues(c.config, c.values);
      const out = forward(c.config, w, makeBatch(c.config, [input]), { layers: zm.layers });
      const logits = Array.from(out.logits.dataSync());
      disposeForward(out);
      return logits;
    });
}
