/**
 * The paper's reported numbers (data/paper-reference.json), for experiments to
 * put beside their own.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { packageRoot } from "../core/io";

export interface PaperReference {
  source: string;
  bitEncoding: { figures: string; multimodalClaim: string; unimodalClaim: string };
  [key: string]: unknown;
}

let cached: PaperReference | undefined;

/** The parsed data/paper-reference.json. */
export function paperReference(): PaperReference {
  return (cached ??= JSON.parse(fs.readFileSync(path.join(packageRoot(), "data", "paper-reference.json"), "utf8")));
}
