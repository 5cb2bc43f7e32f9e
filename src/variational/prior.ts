/**
 * Adaptive GMM priors α(θ; ψ) shared by groups of weights (B.10: ψ_group(i)).
 * A group is one of
 * - `all`: every tensor so assigned shares one GMM (C.2: one 3-component prior over the whole MLP);
 * - `tensor`: one GMM per parameter tensor;
 * - `column`: one GMM per index of a tensor's last axis (a rank-1 tensor is one group).
 * Each group's GMM has K components in the B.9.1 parameterisation; μ, ν, w are
 * trainable variables, so the prior adapts (eq. 86). The KL against it is in
 * `variational/kl.ts`.
 */
import * as tf from "@tensorflow/tfjs";
import { Gmm, GmmTensors, gmm, softplus, logMixing } from "../codes/gmm";
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

/** Adaptive GMM priors over a parameter tree, shared by configurable groups. */
export class AdaptivePrior {
  readonly specs: ParamSpec[];
  readonly components: number;
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
    const b = this.blocks[v.gmm];
    if (v.grouping !== "column") return { mu: b.mu, nu: b.nu, w: b.w };
    const reps = sizeOf(v.spec.shape) / v.columns;
    return { mu: tf.tile(b.mu, [reps, 1]), nu: tf.tile(b.nu, [reps, 1]), w: tf.tile(b.w, [reps, 1]) };
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
    return this.blocks.flatMap((b) => {
      const mu = b.mu.arraySync() as number[] | number[][];
      const nu = b.nu.arraySync() as number[] | number[][];
      const w = b.w.arraySync() as number[] | number[][];
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
