/**
 * The registry of experiments, by CLI name. `src/experiments/index.ts` registers
 * the paper's; a user can register their own (`kcdl.lab.registerExperiment`) and
 * run it through the same runner, config checks and renderers.
 */
import type { AnyExperiment } from "./experiment";
import { UsageError, assertChoice } from "../core/errors";

const registered = new Map<string, AnyExperiment>();

/** Adds `exp` under `exp.name` (a name can be registered once). */
export function registerExperiment(exp: AnyExperiment): AnyExperiment {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(exp.name)) throw new UsageError(`experiment name '${exp.name}' must be lower-case letters, digits and dashes`);
  const other = registered.get(exp.name);
  if (other && other !== exp) throw new UsageError(`an experiment named '${exp.name}' is already registered`);
  registered.set(exp.name, exp);
  return exp;
}

/** The registered experiments, by name, in registration order. */
export function experiments(): Record<string, AnyExperiment> {
  return Object.fromEntries(registered);
}

/** The experiment named `name`, or a UsageError listing the valid names. */
export function getExperiment(name: string): AnyExperiment {
  return registered.get(assertChoice("experiment", name, [...registered.keys()]))!;
}
