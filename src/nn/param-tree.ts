/**
 * A model's parameter tree: named tensors with shapes (e.g. `W1: [16, 4]`,
 * `b1: [16]`, or a Transformer's `layer/attn/Wq: [128, 128]`). Models declare
 * their parameters as `ParamSpec`s and receive a `Weights` record (one tensor per
 * name) in their forward pass; where the weights come from — point estimates
 * (MLE) or samples of a posterior (the variational objective, eq. 10) — is the
 * training engine's business. Nothing here knows any particular architecture.
 */
import * as tf from "@tensorflow/tfjs";
import { UsageError } from "../core/errors";

/** One named parameter tensor of a model. */
export interface ParamSpec {
  /** Unique name, e.g. "W1" or "layers/0/mlp/W". */
  name: string;
  /** Tensor shape, e.g. [16, 4]. */
  shape: number[];
}

/** One tensor per parameter name (shapes as in the specs). */
export type Weights = Record<string, tf.Tensor>;

/** Initial values of a parameter tree: a flat row-major array per name. */
export type WeightValues = Record<string, ArrayLike<number>>;

/** Number of scalars in a shape. */
/**
 * A trainable (or fixed) variable holding `init`, which is disposed: `tf.variable` keeps its own
 * reference to the data, so the initial tensor would otherwise stay alive (one leaked tensor per
 * variable).
 */
export function variableFrom(init: tf.Tensor, trainable = true): tf.Variable {
  const v = tf.variable(init, trainable);
  init.dispose();
  return v;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Checks that specs have unique names and positive integer dimensions. */
export function checkSpecs(specs: readonly ParamSpec[]): void {
  if (specs.length === 0) throw new UsageError("a parameter tree needs at least one parameter");
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name)) throw new UsageError(`parameter '${s.name}' is declared twice; parameter names must be unique`);
    seen.add(s.name);
    if (!s.shape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new UsageError(`parameter '${s.name}' has shape [${s.shape}]; every dimension must be a positive integer`);
    }
  }
}

/** Checks that `values` has an array of the right length for every spec (and nothing else). */
export function checkValues(specs: readonly ParamSpec[], values: WeightValues, what: string, perWeight = 1): void {
  for (const s of specs) {
    const v = values[s.name];
    if (!v) throw new UsageError(`${what}: no values for parameter '${s.name}'`);
    const n = sizeOf(s.shape);
    if (v.length !== n && v.length !== n * perWeight) {
      throw new UsageError(`${what}: parameter '${s.name}' [${s.shape}] needs ${n}${perWeight > 1 ? ` or ${n * perWeight}` : ""} values, got ${v.length}`);
    }
  }
  const known = new Set(specs.map((s) => s.name));
  for (const k of Object.keys(values)) if (!known.has(k)) throw new UsageError(`${what}: unknown parameter '${k}'; known: ${[...known].join(", ")}`);
}

/** Point estimates of a parameter tree as trainable variables (the MLE baseline's parameters). */
export class PointWeights {
  readonly specs: ParamSpec[];
  private readonly vars: Record<string, tf.Variable>;

  constructor(specs: readonly ParamSpec[], init: WeightValues) {
    checkSpecs(specs);
    checkValues(specs, init, "point weights");
    this.specs = specs.map((s) => ({ name: s.name, shape: [...s.shape] }));
    this.vars = {};
    for (const s of this.specs) this.vars[s.name] = variableFrom(tf.tensor(Array.from(init[s.name]), s.shape, "float32"));
  }

  /** The current weights (the variables themselves; do not dispose). */
  weights(): Weights {
    return { ...this.vars };
  }

  /** Named trainable variables in a fixed order, for the optimiser and checkpoints. */
  namedVariables(): [string, tf.Variable][] {
    return this.specs.map((s) => [`point/${s.name}`, this.vars[s.name]]);
  }

  /** Current values as flat arrays. */
  values(): Record<string, Float32Array> {
    return Object.fromEntries(this.specs.map((s) => [s.name, this.vars[s.name].dataSync() as Float32Array]));
  }

  dispose(): void {
    tf.dispose(Object.values(this.vars));
  }
}
