/**
 * MLP (B.5.4, C.1): a 2-layer ReLU MLP with one hidden unit per rule
 * (`rules.ts`; two with `clampRules`), then the optional restoring and
 * centering units. With t = tanh(α·s) and t_h = tanh(α·s_h) the normalised
 * magnitudes of a variable and of a head output:
 * - an atom on a variable has W1 = m/t at its value's dim (binary: m/t for
 *   "= 1", −m/t for "= 0", which does not count: B.5.4's −1 for a binary 0);
 *   an atom on a categorical head output reads all its dims (+m/(2t_h) at the
 *   value, −m/(2t_h(r−1)) elsewhere: true → m, false → ≤ −m/3, null → 0), so
 *   its reset also pulls back error in any of the output's dims;
 * - W1 is then doubled and b1 = m(1 − 2k) with k the counted atoms, so the unit
 *   is exactly m when every atom holds and ≤ −m otherwise (a margin of m on
 *   both sides: a binary "= 1" atom that fails or a null head output would
 *   otherwise leave the unit at exactly 0, where any small error in the
 *   residual stream partially fires it, and the error grows layer after layer);
 * - W2 = Δ/m with Δ = s·(enc(new) − enc(old)) (B.5.4: a numerical target adds
 *   its fixed scalar εc), and for resets Δ = −s_h·enc(old).
 *
 * Robustness to posterior weight noise (C.1 samples the weights with ν = −10,
 * and every layer re-applies the same sample, so errors are coherent across
 * layers): a head output is written and reset every layer, so an error per
 * layer would accumulate linearly. Head outputs at their own scale s_h with
 * α·s_h ≈ 1 (`headSaturation`) make every reset pull back accumulated
 * differential error; `centerHeads` adds two units per categorical head output
 * that pull back the common mode of its dims, which the resets cannot see; and
 * `restoreHeads` adds two units per dim of every head output that pull it back
 * to 0, its clean value after the reset.
 */
import { Rule } from "../rules";
import { encode, resettableHeadOutputs, slot } from "./residual-layout";
import { Stage, setEntry } from "./stage";

/** Restoring rate per layer of the centering and restoring units. */
const LAMBDA = 0.5;

/** The restoring units' input gain k = m/t_h and output gain g = λ/(k·α) (restoring force −λx near 0, where N'(0) = α). */
function restoringGains(st: Stage): { k: number; g: number } {
  const { m, tHead } = st.scales;
  return { k: m / tHead, g: LAMBDA / ((m / tHead) * st.options.normAlpha) };
}

/** Writes W1 of a rule's atoms into hidden units `units`; returns k, the number of atoms that count in b1 (module doc). */
function writeAtoms(st: Stage, r: Rule, units: readonly number[]): number {
  const { m, tVar, tHead } = st.scales;
  const w1 = (row: number, x: number) => units.forEach((u) => setEntry(st, "mlp/W1", st.config.dMlp, row, u, x));
  let k = 0;
  for (const a of r.atoms) {
    const l = slot(st.layout, a.variable);
    const head = l.spec.role === "head";
    const mag = head ? tHead : tVar;
    if (l.spec.kind === "categorical" && head) {
      for (let j = 0; j < l.dims; j++) w1(l.start + j, j === a.value ? m / mag : -m / (mag * (l.dims - 1)));
      k++;
    } else if (l.spec.kind === "categorical") {
      w1(l.start + a.value, (2 * m) / mag);
      k++;
    } else if (a.value === 1) {
      w1(l.start, (2 * m) / mag);
      k++;
    } else {
      w1(l.start, (-2 * m) / mag);
    }
  }
  return k;
}

/** Δ, the change a rule makes to its target's dims (module doc), compensated for the restoring units when they are on. */
function ruleDelta(st: Stage, r: Rule): number[] {
  const { s, sHead, eps } = st.scales;
  const t = slot(st.layout, r.target);
  const sc = t.spec.role === "head" ? sHead : s;
  const delta = r.add !== undefined ? [r.add * eps] : encode(t.spec, r.to ?? null, sc, eps).map((x, i) => x - encode(t.spec, r.from!, sc, eps)[i]);
  // A head output's restoring units also pull back a clean write (by g·k·N(x) per dim); its
  // reset subtracts only the rest.
  if (st.options.restoreHeads && t.spec.role === "head") {
    const restore = restoringGains(st);
    delta.forEach((d, i) => (delta[i] = d + restore.g * restore.k * Math.tanh(st.options.normAlpha * -d)));
  }
  return delta;
}

/** Writes rule `ri` into its hidden unit (two with `clampRules`): W1 from its atoms, b1, and W2 = Δ/m. */
function writeRule(st: Stage, r: Rule, ri: number): void {
  const { m } = st.scales;
  const perRule = st.options.clampRules ? 2 : 1;
  const units = Array.from({ length: perRule }, (_, u) => perRule * ri + u);
  const k = writeAtoms(st, r, units);
  const start = slot(st.layout, r.target).start;
  const delta = ruleDelta(st, r);
  const b1 = st.values["mlp/b1"];
  const dModel = st.config.dModel;
  if (st.options.clampRules) {
    // clamp(S − 2km + 1.5m, 0, m) = ReLU(S − 2km + 1.5m) − ReLU(S − 2km + 0.5m): exactly m when
    // every atom holds and 0 when one fails, with a flat margin of m/2 on both sides.
    b1[units[0]] = m * (1.5 - 2 * k);
    b1[units[1]] = m * (0.5 - 2 * k);
    delta.forEach((d, i) => {
      setEntry(st, "mlp/W2", dModel, units[0], start + i, d / m);
      setEntry(st, "mlp/W2", dModel, units[1], start + i, -d / m);
    });
  } else {
    b1[units[0]] = m * (1 - 2 * k);
    delta.forEach((d, i) => setEntry(st, "mlp/W2", dModel, units[0], start + i, d / m));
  }
}

/**
 * Restoring units from hidden unit `unit` on: ReLU(±k·N(x_j)) with W2 = ∓g on every dim of
 * every head output, a restoring force −λx_j near 0, the clean value of a head output after its
 * reset. Without them the small errors of each layer's head writes would integrate over the
 * layers. Returns the next free unit.
 */
function writeRestoringUnits(st: Stage, unit: number): number {
  const restore = restoringGains(st);
  for (const l of resettableHeadOutputs(st.layout)) {
    for (let j = 0; j < l.dims; j++) {
      for (const sign of [1, -1]) {
        setEntry(st, "mlp/W1", st.config.dMlp, l.start + j, unit, sign * restore.k);
        setEntry(st, "mlp/W2", st.config.dModel, unit, l.start + j, -sign * restore.g);
        unit++;
      }
    }
  }
  return unit;
}

/**
 * Centering units from hidden unit `unit` on: a restoring force λ per layer on the common mode
 * of each categorical head output, ReLU(±k(Σ_j N(x)_j − t_h(2 − r))). Returns the next free unit.
 */
function writeCenteringUnits(st: Stage, unit: number): number {
  const { m, sHead, tHead } = st.scales;
  const alpha = st.options.normAlpha;
  const slope = alpha / Math.cosh(alpha * sHead) ** 2; // dN/dx at a clean ±s_h
  for (const l of st.layout) {
    if (l.spec.role !== "head" || l.spec.kind !== "categorical") continue;
    const k = m / tHead;
    const g = LAMBDA / (k * slope);
    for (const sign of [1, -1]) {
      for (let j = 0; j < l.dims; j++) {
        setEntry(st, "mlp/W1", st.config.dMlp, l.start + j, unit, sign * k);
        setEntry(st, "mlp/W2", st.config.dModel, unit, l.start + j, (-sign * g) / l.dims);
      }
      st.values["mlp/b1"][unit] = -sign * k * tHead * (2 - l.dims);
      unit++;
    }
  }
  return unit;
}

/**
 * Writes the MLP sub-layer (module doc): one hidden unit per rule (B.5.4; two with `clampRules`),
 * then restoring and centering units if asked for (robustness to C.1's weight noise); padding
 * units stay zero (C.1).
 */
export function writeMlp(st: Stage, rules: readonly Rule[]): void {
  rules.forEach((r, ri) => writeRule(st, r, ri));
  let unit = (st.options.clampRules ? 2 : 1) * rules.length;
  if (st.options.restoreHeads) unit = writeRestoringUnits(st, unit);
  if (st.options.centerHeads) writeCenteringUnits(st, unit);
}
