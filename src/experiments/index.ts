/** The paper's experiments, one folder each, registered with the lab's registry in the order `kcdl list` shows. */
import { registerExperiment } from "../lab/registry";
import { bitEncoding } from "./bit-encoding";
import { mlpIdentity } from "./mlp-identity";
import { parityExperiment as parity } from "./parity";
import { zmapExperiment as zmap } from "./zmap";
import { priorCollapse } from "./prior-collapse";
import { asymptotics } from "./asymptotics";
import { codes } from "./codes";
import { llcExperiment as llc } from "./llc";

// the paper's artefacts, then the studies beyond it in notebook order (05 prior-collapse, 06 asymptotics + codes, 07 llc)
for (const e of [bitEncoding, mlpIdentity, parity, zmap, priorCollapse, asymptotics, codes, llc]) registerExperiment(e);

export { bitEncoding, mlpIdentity, parity, zmap, priorCollapse, asymptotics, codes, llc };
export { REMEDIES } from "./prior-collapse";
