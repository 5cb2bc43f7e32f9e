import { test } from "node:test";
import * as assert from "node:assert/strict";
import erfc = require("@stdlib/math-base-special-erfc");
import { gmm } from "../../src/codes/gmm";
import { klQuadratureBits } from "../../src/codes/quadrature";
import { klReferenceBits } from "../support/kl-reference";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

test("the reference itself: a broad posterior over two delta-like components has a closed form", () => {
  // N(μ, σ²) against ½N(−1, s²) + ½N(1, s²) with s ≪ σ: log α = log ½ − ½log 2πs² − (|x| − 1)²/2s²
  // away from a region of width s² around 0, and E(|x| − 1)² follows from the folded normal's mean.
  for (const [mu, nuQ, nuP] of [[0.3, 0, -30], [1, 0, -50], [0.3, -2, -30]]) {
    const s2 = Math.log1p(Math.exp(nuQ));
    const sp2 = Math.exp(nuP) - 0.5 * Math.exp(2 * nuP);
    const s = Math.sqrt(s2);
    const phi = (x: number) => 0.5 * erfc(-x / Math.SQRT2);
    const eAbs = s * Math.sqrt(2 / Math.PI) * Math.exp((-mu * mu) / (2 * s2)) + mu * (1 - 2 * phi(-mu / s));
    const nats = -0.5 * Math.log(2 * Math.PI * Math.E * s2) - (Math.log(0.5) - 0.5 * Math.log(2 * Math.PI * sp2) - (s2 + mu * mu - 2 * eAbs + 1) / (2 * sp2));
    const want = nats / Math.LN2;
    const got = klReferenceBits(gmm([mu], [nuQ]), gmm([-1, 1], [nuP, nuP]));
    assert.ok(rel(got, want) < 1e-12, `μ=${mu}, ν_q=${nuQ}, ν_p=${nuP}: reference ${got} vs closed form ${want}`);
  }
});

test("quadrature KL agrees with an independent adaptive reference to 1e−9 relative, ν ∈ {−50, −30, −10, 0} (B.9.1)", () => {
  const nus = [-50, -30, -10, 0];
  let worst = { r: 0, what: "" };
  for (const nq of nus) {
    for (const np of nus) {
      const mu = nq === np ? 1 : 0.3;
      const cases: [string, ReturnType<typeof gmm>, ReturnType<typeof gmm>][] = [
        ["two equal components", gmm([mu], [nq]), gmm([-1, 1], [np, np])],
        ["three, unequal widths and weights", gmm([mu], [nq]), gmm([-1, 0, 1], [np, np - 3, np], [0, -2, 0])],
        ["a mixture posterior, a mixed prior", gmm([mu, -0.8], [nq, -3], [0.2, 0]), gmm([-1, 1.5], [np, -2], [0.3, -0.5])],
      ];
      for (const [what, q, p] of cases) {
        const got = klQuadratureBits(q, p);
        const want = klReferenceBits(q, p);
        const r = rel(got, want);
        if (r > worst.r) worst = { r, what: `${what}, ν_q=${nq}, ν_p=${np}` };
        assert.ok(r < 1e-9, `${what}, ν_q=${nq}, ν_p=${np}: quadrature ${got} vs reference ${want} (relative ${r.toExponential(2)})`);
      }
    }
  }
  assert.ok(worst.r < 1e-9, worst.what);
});
