/**
 * Adaptive GMM priors α(θ; ψ) shared by groups of weights (B.10: ψ_group(i)).
 * A group is one of
 * - `all`: every tensor so assigned shares one GMM (C.2: one 3-component prior over the whole MLP);
 * - `tensor`: one GMM per parameter tensor;
 * - `column`: one GMM per index of a tensor's last axis (a rank-1 tensor is one group).
 * Each group's GMM has K components in the B.9.1 parameterisation; μ, ν, w are
 * trainable variables, so the prior adapts (eq. 86). The KL against it is in
 * `variational/kl.ts`.
 *
 * Two options from soft weight-sharing (Ullrich, Meeds & Welling 2017, sec. 3), remedies
 * for the collapse of C.2 that `prior-collapse` measures:
 * - a component fixed at μ₀ = 0 with a fixed mixing weight π₀ (its ν still trains), the
 *   other components sharing 1 − π₀ by their trainable w;
 * - a Gamma(a, b) hyper-prior on every component's precision λ_k = 1/σ_k², whose
 *   −log₂ density (`hyperPriorBits`) the trainer adds to the KL term.
 */
import * as tf from "@tensorflow/tfjs";
import { Gmm, GmmTensors, countModes, gmm, softplus, logMixing } from "../codes/gmm";
import type { PriorSummary } from "../codes/gmm-summary";

export type { PriorSummary } from "../codes/gmm-summary";
import { UsageError, assertChoice } from "../core/errors";
import type { Rng } from "../core/rng";
import { ParamSpec, WeightValues, checkSpecs, sizeOf, variableFrom } from "../nn/param-tree";

export const PRIOR_GROUPINGS = ["all", "tensor", "column"] as const;
export type PriorGrouping = (typeof PRIOR_GROUPINGS)[number];

/** A prior group: its name, and which weights it covers. */
export interface PriorGroup {
  /** "all", the tensor name, or `name[:, j]` for a column. */
  name: string;
  /** Number of weights in the group. */
  size: number;
}

/** Weight groups of a parameter tree under a prior grouping as the adaptive prior lays them (the same group names). */
export function weightGroups(specs: readonly ParamSpec[], values: WeightValues, grouping: PriorGrouping): { group: string; weights: number[] }[] {
  if (grouping === "all") return [{ group: "all", weights: specs.flatMap((s) => Array.from(values[s.name])) }];
  return specs.flatMap((s) => {
    const v = Array.from(values[s.name]);
    if (grouping === "tensor" || s.shape.length < 2) return [{ group: s.name, weights: v }];
    const c = s.shape[s.shape.length - 1];
    return Array.from({ length: c }, (_, j) => ({ group: `${s.name}[:, ${j}]`, weights: v.filter((_, i) => i % c === j) }));
  });
}

/** A group's GMM as plain numbers (μ, σ² = softplus(ν), π = softmax(w)) with its mode count, for results and figures. */
export function summarizePrior(group: string, g: Gmm): PriorSummary {
  return { group, mu: [...g.mu], sigma2: g.nu.map(softplus), pi: logMixing(g.w).map(Math.exp), modes: countModes(g) };
}

/** How the prior is laid over the parameter tree, and its initial GMMs. */
export interface PriorOptions {
  /** Grouping for every tensor not named in `groupingFor` (C.2: "all"). */
  grouping: PriorGrouping;
  /** Per-tensor grouping overrides. */
  groupingFor?: Record<string, PriorGrouping>;
  /** Components per group's GMM (C.2: 3). */
  components: number;
  /**
   * Initial GMM of each group. Receives the group's name and the initial posterior
   * means of its weights; must return a GMM with `components` components.
   * See `sampledPriorInit` for C.1's initialisation.
   */
  init: (group: PriorGroup, weights: number[]) => Gmm;
  /** Mixing weight π₀ ∈ (0, 1) of a component fixed at μ = 0 (component 0; needs components ≥ 2); absent: none. */
  zeroComponent?: number;
  /** Gamma(shape a, rate b) hyper-prior on each component's precision 1/σ²; absent: none. */
  gamma?: { shape: number; rate: number };
}

/** The prior's GMM tensors for one parameter, broadcastable against its [N] flattened weights. */
interface TensorView {
  spec: ParamSpec;
  grouping: PriorGrouping;
  /** Index into `gmms` of the GMM(s) this tensor uses. */
  gmm: number;
  /** For "column": number of columns (last-axis size). */
  columns: number;
}

/** One trainable GMM block: [K] for all/tensor groups, [C, K] for a column group. */
interface GmmBlock {
  mu: tf.Variable;
  nu: tf.Variable;
  w: tf.Variable;
  groups: PriorGroup[];
}

/**
 * C.1's prior initialisation: component means drawn (without replacement where
 * possible) from the group's initial posterior means, ν = `nu` (C.1: 1, "to avoid
 * instability in KL estimates at initialization"), equal mixing weights.
 */
export function sampledPriorInit(rng: Rng, components: number, nu = 1): PriorOptions["init"] {
  return (_group, weights) => {
    const pool = [...weights];
    const mu: number[] = [];
    for (let k = 0; k < components; k++) {
      if (pool.length === 0) pool.push(...weights);
      const i = Math.floor(rng() * pool.length);
      mu.push(pool.splice(i, 1)[0]);
    }
    return gmm(mu, Array(components).fill(nu));
  };
}

/** C.1's initialisation with the means on an even grid over [min, max] of the group's initial posterior means instead of drawn from them. */
export function gridPriorInit(components: number, nu = 1): PriorOptions["init"] {
  return (_group, weights) => {
    const lo = Math.min(...weights);
    const hi = Math.max(...weights);
    const mu = components === 1 ? [(lo + hi) / 2] : Array.from({ length: components }, (_, k) => lo + ((hi - lo) * k) / (components - 1));
    return gmm(mu, Array(components).fill(nu));
  };
}

export const PRIOR_INITS = ["sampled", "grid"] as const;
export type PriorInit = (typeof PRIOR_INITS)[number];

/** The initialisation named `kind` (`sampled`: C.1, drawing from `rng`; `grid`: `gridPriorInit`). */
export function priorInit(kind: PriorInit, rng: Rng, components: number, nu: number): PriorOptions["init"] {
  assertChoice("prior init", kind, PRIOR_INITS);
  return kind === "grid" ? gridPriorInit(components, nu) : sampledPriorInit(rng, components, nu);
}

/** Adaptive GMM priors over a parameter tree, shared by configurable groups. */
export class AdaptivePrior {
  readonly specs: ParamSpec[];
  readonly components: number;
  /** π₀ of the fixed zero component, if any (PriorOptions.zeroComponent). */
  readonly zeroComponent?: number;
  readonly gamma?: { shape: number; rate: number };
  private readonly views: TensorView[];
  private readonly blocks: GmmBlock[];

  constructor(specs: readonly ParamSpec[], initialMeans: WeightValues, opts: PriorOptions) {
    checkSpecs(specs);
    assertChoice("prior grouping", opts.grouping, PRIOR_GROUPINGS);
    if (!Number.isInteger(opts.components) || opts.components < 1) {
      throw new UsageError(`prior components must be an integer ≥ 1, got ${opts.components}`);
    }
    for (const [name, g] of Object.entries(opts.groupingFor ?? {})) {
      if (!specs.some((s) => s.name === name)) throw new UsageError(`prior groupingFor: unknown parameter '${name}'`);
      assertChoice(`prior grouping for '${name}'`, g, PRIOR_GROUPINGS);
    }
    if (opts.zeroComponent !== undefined) {
      if (!(opts.zeroComponent > 0 && opts.zeroComponent < 1)) throw new UsageError(`prior zero component: its mixing weight must be in (0, 1), got ${opts.zeroComponent}`);
      if (opts.components < 2) throw new UsageError(`prior zero component needs components ≥ 2 (one fixed at 0, the others trained), got ${opts.components}`);
    }
    if (opts.gamma && !(opts.gamma.shape > 0 && opts.gamma.rate > 0 && Number.isFinite(opts.gamma.shape) && Number.isFinite(opts.gamma.rate))) {
      throw new UsageError(`prior Gamma hyper-prior: shape and rate must be finite numbers > 0, got ${opts.gamma.shape} and ${opts.gamma.rate}`);
    }
    this.zeroComponent = opts.zeroComponent;
    this.gamma = opts.gamma;
    this.specs = specs.map((s) => ({ name: s.name, shape: [...s.shape] }));
    this.components = opts.components;
    const K = opts.components;
    const means = (s: ParamSpec) => {
      const v = initialMeans[s.name];
      if (!v || v.length !== sizeOf(s.shape)) throw new UsageError(`prior init: need ${sizeOf(s.shape)} initial means for '${s.name}'`);
      return Array.from(v);
    };
    const checked = (group: PriorGroup, w: number[]): Gmm => {
      const g = opts.init(group, w);
      if (g.mu.length !== K) throw new UsageError(`prior init for group '${group.name}' returned ${g.mu.length} components, expected ${K}`);
      return g;
    };
    const block = (gs: Gmm[], groups: PriorGroup[], shape: number[]): GmmBlock => ({
      mu: variableFrom(tf.tensor(gs.flatMap((g) => [...g.mu]), shape)),
      nu: variableFrom(tf.tensor(gs.flatMap((g) => [...g.nu]), shape)),
      w: variableFrom(tf.tensor(gs.flatMap((g) => [...g.w]), shape)),
      groups,
    });
    this.views = [];
    this.blocks = [];
    const groupingOf = (s: ParamSpec): PriorGrouping => opts.groupingFor?.[s.name] ?? opts.grouping;
    const shared = this.specs.filter((s) => groupingOf(s) === "all");
    if (shared.length > 0) {
      const w = shared.flatMap(means);
      const group = { name: "all", size: w.length };
      this.blocks.push(block([checked(group, w)], [group], [K]));
      for (const s of shared) this.views.push({ spec: s, grouping: "all", gmm: 0, columns: 1 });
    }
    for (const s of this.specs) {
      const g = groupingOf(s);
      if (g === "all") continue;
      const w = means(s);
      if (g === "tensor" || s.shape.length < 2) {
        const group = { name: s.name, size: w.length };
        this.blocks.push(block([checked(group, w)], [group], [K]));
        this.views.push({ spec: s, grouping: "tensor", gmm: this.blocks.length - 1, columns: 1 });
      } else {
        const c = s.shape[s.shape.length - 1];
        const groups = Array.from({ length: c }, (_, j) => ({ name: `${s.name}[:, ${j}]`, size: w.length / c }));
        const gs = groups.map((group, j) => checked(group, w.filter((_, i) => i % c === j)));
        this.blocks.push(block(gs, groups, [c, K]));
        this.views.push({ spec: s, grouping: "column", gmm: this.blocks.length - 1, columns: c });
      }
    }
    // keep views in spec order
    this.views.sort((a, b) => this.specs.indexOf(a.spec) - this.specs.indexOf(b.spec));
  }

  /** The prior groups in order (a column group per last-axis index). */
  groups(): PriorGroup[] {
    return this.blocks.flatMap((b) => b.groups);
  }

  /**
   * The prior GMM for parameter `name`, broadcastable against its [N] flattened
   * weights: tensors [K] for all/tensor groups, [N, K] for column groups (tiled;
   * caller disposes via tidy).
   */
  gmmFor(name: string): GmmTensors {
    const v = this.view(name);
    const b = this.effective(this.blocks[v.gmm]);
    if (v.grouping !== "column") return b;
    const reps = sizeOf(v.spec.shape) / v.columns;
    return { mu: tf.tile(b.mu, [reps, 1]), nu: tf.tile(b.nu, [reps, 1]), w: tf.tile(b.w, [reps, 1]) };
  }

  /**
   * A block's GMM as the KL sees it: its variables, or with the zero component, μ₀ = 0
   * and log-mixing weights [log π₀, log(1 − π₀) + log softmax(w₁…w_{K−1})] (already
   * normalised, so the KL's own log-softmax leaves them as they are).
   */
  private effective(b: GmmBlock): GmmTensors {
    const p0 = this.zeroComponent;
    if (p0 === undefined) return { mu: b.mu, nu: b.nu, w: b.w };
    const K = this.components;
    const last = b.mu.rank - 1;
    const mask = tf.tensor1d(Array.from({ length: K }, (_, k) => (k === 0 ? 0 : 1)));
    const tail = tf.add(Math.log1p(-p0), tf.logSoftmax(tf.slice(b.w, [...Array(last).fill(0), 1], [...b.w.shape.slice(0, -1), K - 1])));
    const head = tf.fill([...b.w.shape.slice(0, -1), 1], Math.log(p0));
    return { mu: tf.mul(b.mu, mask), nu: b.nu, w: tf.concat([head, tail], last) };
  }

  /** Whether a hyper-prior term exists (`hyperPriorBits` is then not null). */
  get hasHyperPrior(): boolean {
    return this.gamma !== undefined;
  }

  /**
   * −log₂ of the Gamma(a, b) hyper-prior density of every component's precision
   * λ = 1/softplus(ν), summed over groups and components, up to its normalising
   * constant (which has no gradient): Σ [b·λ − (a − 1)·ln λ] / ln 2. Null without one.
   */
  hyperPriorBits(): tf.Scalar | null {
    const g = this.gamma;
    if (!g) return null;
    return tf.tidy(() => {
      const terms = this.blocks.map((b) => {
        const logLambda = tf.neg(tf.log(tf.softplus(b.nu)));
        return tf.sum(tf.sub(tf.mul(g.rate, tf.exp(logLambda)), tf.mul(g.shape - 1, logLambda)));
      });
      return tf.div(tf.addN(terms), Math.LN2) as tf.Scalar;
    });
  }

  /** How parameter `name` is grouped: its grouping, the index of its first group, and its column count. */
  layout(name: string): { grouping: PriorGrouping; firstGroup: number; columns: number } {
    const v = this.view(name);
    const firstGroup = this.blocks.slice(0, v.gmm).reduce((a, b) => a + b.groups.length, 0);
    return { grouping: v.grouping, firstGroup, columns: v.columns };
  }

  private view(name: string): TensorView {
    const v = this.views.find((x) => x.spec.name === name);
    if (!v) throw new UsageError(`prior: unknown parameter '${name}'`);
    return v;
  }

  /** The current GMM of every group (host copy), in `groups()` order. */
  gmms(): Gmm[] {
    return this.blocks.flatMap((block) => {
      const [mu, nu, w] = tf.tidy(() => {
        const b = this.effective(block);
        return [b.mu.arraySync(), b.nu.arraySync(), b.w.arraySync()];
      }) as [number[] | number[][], number[] | number[][], number[] | number[][]];
      return Array.isArray(mu[0])
        ? (mu as number[][]).map((m, j) => gmm(m, (nu as number[][])[j], (w as number[][])[j]))
        : [gmm(mu as number[], nu as number[], w as number[])];
    });
  }

  /** The current GMMs as (μ, σ², π) per group, for figures. */
  summary(): { group: string; mu: number[]; sigma2: number[]; pi: number[] }[] {
    const gs = this.groups();
    return this.gmms().map((g, i) => ({
      group: gs[i].name,
      mu: [...g.mu],
      sigma2: g.nu.map(softplus),
      pi: logMixing(g.w).map(Math.exp),
    }));
  }

  /** Trainable variables in a fixed order. */
  trainableVariables(): tf.Variable[] {
    return this.namedVariables().map(([, v]) => v);
  }

  /** All variables with stable names, for checkpoints. */
  namedVariables(): [string, tf.Variable][] {
    return this.blocks.flatMap((b, i) => [
      [`prior/${i}/mu`, b.mu],
      [`prior/${i}/nu`, b.nu],
      [`prior/${i}/w`, b.w],
    ]) as [string, tf.Variable][];
  }

  /** Number of prior parameters (3 per component per group), for L_Ψ (eq. 86, codes/codelength.ts). */
  get parameterCount(): number {
    return this.groups().length * this.components * 3;
  }

  dispose(): void {
    for (const b of this.blocks) tf.dispose([b.mu, b.nu, b.w]);
  }
}
