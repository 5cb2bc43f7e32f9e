/** The registered experiments, by CLI name. Each module exports one `Experiment`. */
import { AnyExperiment } from "./experiment";
import { bitEncoding } from "./bit-encoding";
import { mlpIdentity } from "./mlp-identity";
import { parityExperiment } from "./parity";
import { zmapExperiment } from "./zmap";
import { assertChoice } from "../core/errors";

export const experiments: Record<string, AnyExperiment> = {
  [bitEncoding.name]: bitEncoding,
  [mlpIdentity.name]: mlpIdentity,
  [parityExperiment.name]: parityExperiment,
  [zmapExperiment.name]: zmapExperiment,
};

/** The experiment named `name`, or a UsageError listing the valid names. */
export function getExperiment(name: string): AnyExperiment {
  return experiments[assertChoice("experiment", name, Object.keys(experiments))];
}
