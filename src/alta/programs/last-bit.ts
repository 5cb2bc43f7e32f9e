/**
 * A tiny program that exercises what parity does not: binary variables (with a
 * "= 0" atom), a query/key equality head, a numerical variable changed by adding
 * a scalar (B.5.4), and two outputs. It copies the last input bit into SEP:
 * - `lastTag` starts at END; in layer 1 it moves to the position left of END
 *   (`endRight` = isEnd at i + 1), so exactly one position is tagged at any time;
 * - head `lastBit` selects the tagged position by `one` = `lastTag` and reads its bit;
 * - SEP copies `lastBit` into `ans` every layer; after 2 layers `ans` = x_n (0 if n = 0);
 * - `steps` at SEP counts the layers run (numerical, +1 per layer).
 */
import { Program, ProgramBuilder, Updates } from "../program";

export function lastBitProgram(): Program {
  return new ProgramBuilder("last-bit", 2)
    .binary("isEnd", { init: (t) => t.kind === "end" })
    .binary("isSep", { init: (t) => t.kind === "sep" })
    .categorical("one", 2, { default: 1 })
    .categorical("lastTag", 2, { init: (t) => t.kind === "end" })
    .categorical("bit", 2, { init: (t) => (t.kind === "input" ? t.index : 0) })
    .categorical("ans", 2)
    .numerical("steps")
    .relative("endRight", "isEnd", +1)
    .head("lastBit", { query: "one", key: "lastTag", value: "bit" })
    .mlp("tagLast", ["isEnd", "endRight", "lastTag"], (x): Updates => (x.isEnd === 0 && x.endRight === 1 && x.lastTag === 0 ? { lastTag: 1 } : {}))
    .mlp("untagEnd", ["isEnd", "lastTag"], (x): Updates => (x.isEnd === 1 && x.lastTag === 1 ? { lastTag: 0 } : {}))
    .mlp("answer", ["isSep", "lastBit", "ans"], (x): Updates => (x.isSep === 1 ? { ans: x.lastBit } : {}))
    .mlp("count", ["isSep"], (x): Updates => (x.isSep === 1 ? { steps: 1 } : {}))
    .output("ans")
    .output("steps")
    .build();
}
