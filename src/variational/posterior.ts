/**
 * The posterior β(θ; φ) over a whole parameter tree (eq. 10, B.10): one
 * independent GMM per scalar weight in the B.9.1 parameterisation (μ, ν, w).
 * By default each weight has a single Gaussian (K = 1), sampled with the
 * reparameterisation trick; tensors named in `components` get a K-component GMM,
 * sampled with the straight-through Gumbel-softmax estimator (C.1: the prompt
 * embeddings of the parity Transformer, K = 2, temperature 0.1). The GMM math
 * is in `codes/gmm.ts`; this module only lays it over named tensors.
 *
 * Storage: for a parameter of shape s with N = ∏s scalars, μ, ν and w are
 * variables of shape [N, K] (row-major flattening of s), the layout `codes/kl.ts`
 * expects.
 */
import * as tf from "@tensorflow/tfjs";
import { GmmTensors, sampleGaussianT, sampleGmmStraightThroughT, softplus } from "../codes/gmm";
import { opSeed } from "../core/rng";
import { UsageError } from "../core/errors";
import { ParamSpec, WeightValues, Weights, checkSpecs, checkValues, sizeOf, variableFrom } from "../nn/param-tree";

/** How to initialise a posterior. */
export interface PosteriorOptions {
  /** Initial means per parameter: N values (all K components start there) or N·K values ([N, K] row-major). */
  means: WeightValues;
  /** Initial variance parameter ν of every component (C.1: −10, σ² ≈ 4.5e−5). */
  nu: number;
  /** Components per weight for the named tensors (default 1: a Gaussian). */
  components?: Record<string, number>;
  /** Straight-through Gumbel-softmax temperature for K > 1 (C.1: 0.1). */
  temperature?: number;
}

/** The posterior's tensors for one parameter. */
export interface PosteriorParam {
  spec: ParamSpec;
  /** Scalars in the tensor. */
  n: number;
  /** Components per weight. */
  k: number;
  /** Means [N, K]. */
  mu: tf.Variable;
  /** Variance parameters [N, K], σ² = softplus ν. */
  nu: tf.Variable;
  /** Mixing logits [N, K]; trainable only when K > 1. */
  w: tf.Variable;
}

/** An independent Gaussian (or GMM) posterior per weight of a parameter tree. */
export class Posterior {
  readonly specs: ParamSpec[];
  readonly params: PosteriorParam[];
  readonly temperature: number;

  constructor(specs: readonly ParamSpec[], opts: PosteriorOptions) {
    checkSpecs(specs);
    if (!Number.isFinite(opts.nu)) throw new UsageError(`posterior ν must be a finite number, got ${opts.nu}`);
    const comps = opts.components ?? {};
    for (const [name, k] of Object.entries(comps)) {
      if (!specs.some((s) => s.name === name)) throw new UsageError(`posterior components: unknown parameter '${name}'`);
      if (!Number.isInteger(k) || k < 1) throw new UsageError(`posterior components for '${name}' must be an integer ≥ 1, got ${k}`);
    }
    this.temperature = opts.temperature ?? 0.1;
    if (!(this.temperature > 0)) throw new UsageError(`Gumbel-softmax temperature must be > 0, got ${this.temperature}`);
    const maxK = Math.max(1, ...Object.values(comps));
    checkValues(specs, opts.means, "posterior means", maxK);
    this.specs = specs.map((s) => ({ name: s.name, shape: [...s.shape] }));
    this.params = this.specs.map((spec) => {
      const n = sizeOf(spec.shape);
      const k = comps[spec.name] ?? 1;
      const m = Array.from(opts.means[spec.name]);
      if (m.length !== n && m.length !== n * k) {
        throw new UsageError(`posterior means for '${spec.name}' need ${n} or ${n * k} values, got ${m.length}`);
      }
      const mu = m.length === n * k ? m : m.flatMap((x) => Array(k).fill(x));
      return {
        spec,
        n,
        k,
        mu: variableFrom(tf.tensor2d(mu, [n, k])),
        nu: variableFrom(tf.fill([n, k], opts.nu)),
        w: variableFrom(tf.zeros([n, k]), k > 1),
      };
    });
  }

  /** The posterior of one parameter by name. */
  param(name: string): PosteriorParam {
    const p = this.params.find((q) => q.spec.name === name);
    if (!p) throw new UsageError(`posterior: unknown parameter '${name}'`);
    return p;
  }

  /** The [N, K] GMM tensors of a parameter (the variables themselves). */
  gmmOf(p: PosteriorParam): GmmTensors {
    return { mu: p.mu, nu: p.nu, w: p.w };
  }

  /**
   * One reparameterised weight sample θ ~ β (differentiable in φ): μ + σε for
   * Gaussians, straight-through Gumbel-softmax for GMMs (C.1). `seed` (≥ 1, e.g.
   * from `opSeed`) fixes the noise; each tensor derives its own op seed from it.
   */
  sample(seed: number): Weights {
    const out: Weights = {};
    for (const p of this.params) {
      out[p.spec.name] = tf.tidy(() => {
        const s = opSeed(seed, p.spec.name);
        const eps = tf.randomNormal([p.n, p.k], 0, 1, "float32", s);
        let flat: tf.Tensor;
        if (p.k === 1) {
          const x = sampleGaussianT(p.mu, p.nu, eps);
          flat = tf.add(x.center, x.offset);
        } else {
          const u = tf.randomUniform([p.n, p.k], 1e-7, 1 - 1e-7, "float32", s + 1);
          const x = sampleGmmStraightThroughT({ mu: p.mu, nu: p.nu, w: p.w }, u, eps, this.temperature);
          flat = tf.add(x.center, x.offset);
        }
        return tf.reshape(flat, p.spec.shape);
      });
    }
    return out;
  }

  /** Posterior means E_β[θ] (Σ_k π_k μ_k per weight), shaped as the parameters. */
  means(): Weights {
    const out: Weights = {};
    for (const p of this.params) {
      out[p.spec.name] = tf.tidy(() =>
        tf.reshape(p.k === 1 ? p.mu : tf.sum(tf.mul(tf.softmax(p.w, -1), p.mu), -1), p.spec.shape),
      );
    }
    return out;
  }

  /** Trainable variables in a fixed order (μ, ν of every tensor; w where K > 1). */
  trainableVariables(): tf.Variable[] {
    return this.namedVariables()
      .map(([, v]) => v)
      .filter((v) => v.trainable);
  }

  /** All variables with stable names, for checkpoints. */
  namedVariables(): [string, tf.Variable][] {
    return this.params.flatMap((p) => [
      [`posterior/${p.spec.name}/mu`, p.mu],
      [`posterior/${p.spec.name}/nu`, p.nu],
      [`posterior/${p.spec.name}/w`, p.w],
    ]) as [string, tf.Variable][];
  }

  /** Host copy of every weight's posterior, for analysis and figures: μ, σ² and π per component. */
  snapshot(): { name: string; k: number; mu: number[][]; sigma2: number[][]; pi: number[][] }[] {
    return this.params.map((p) => {
      const mu = p.mu.arraySync() as number[][];
      const sigma2 = (p.nu.arraySync() as number[][]).map((r) => r.map(softplus));
      const pi = tf.tidy(() => tf.softmax(p.w, -1).arraySync() as number[][]);
      return { name: p.spec.name, k: p.k, mu, sigma2, pi };
    });
  }

  /** Total number of scalar weights. */
  get size(): number {
    return this.params.reduce((a, p) => a + p.n, 0);
  }

  dispose(): void {
    for (const p of this.params) tf.dispose([p.mu, p.nu, p.w]);
  }
}
