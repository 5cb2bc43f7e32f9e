/** The paper's experiments, one folder each, registered with the lab's registry in the order `kcdl list` shows. */
import { registerExperiment } from "../lab/registry";
import { bitEncoding } from "./bit-encoding";
import { mlpIdentity } from "./mlp-identity";
import { parityExperiment as parity } from "./parity";
import { zmapExperiment as zmap } from "./zmap";
import { asymptotics } from "./asymptotics";
import { codes } from "./codes";

for (const e of [bitEncoding, mlpIdentity, parity, zmap, asymptotics, codes]) registerExperiment(e);

export { bitEncoding, mlpIdentity, parity, zmap, asymptotics, codes };
