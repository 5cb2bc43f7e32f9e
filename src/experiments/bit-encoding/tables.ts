/** `bit-encoding`'s tables: pure functions of the results. */
import type { FrontierPoint } from "../../codes/bit-code";
import type { Table } from "../../report/table";
import type { BitResults } from "./types";

/** The frontier point of `s` nearest to P(correct) = p. */
const sweepAt = (s: { frontier: FrontierPoint[] }, p: number) => s.frontier.reduce((best, q) => (Math.abs(q.pCorrect - p) < Math.abs(best.pCorrect - p) ? q : best)).klBits;

export function tables(r: BitResults): Record<string, Table> {
  return {
    frontier: {
      title: "KL (bits) on the Pareto frontier at selected P(correct)",
      columns: ["pCorrect", "unimodalKlBits", "multimodalKlBits"],
      rows: r.selected.map((s) => [s.pCorrect, s.unimodalKlBits, s.multimodalKlBits]),
    },
    optimized: {
      title: "Gradient descent with the Monte-Carlo KL estimator against the exact frontier",
      columns: ["prior", "target", "pCorrect", "klBitsMC", "klBitsStdErr", "klBitsExact", "frontierKlBits", "gapBits"],
      rows: (["unimodal", "multimodal"] as const).flatMap((name) =>
        r[name].optimized.map((o) => [name, o.target, o.pCorrect, o.klBits, o.klBitsStdErr, o.klBitsExact, o.frontierKlBits, o.klBitsExact - o.frontierKlBits]),
      ),
    },
    "multimodal-variance": {
      title: "Multimodal prior: frontier KL (bits) against component variance σ̂²",
      columns: ["componentVariance", "kl_p0.9", "kl_p0.999", "kl_p1-1e-6"],
      rows: r.varianceSweep.map((s) => [s.componentVariance, sweepAt(s, 0.9), sweepAt(s, 0.999), sweepAt(s, r.config.pMax)]),
    },
  };
}
