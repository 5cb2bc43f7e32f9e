/** The machines `zmap` runs, and how each turns a program as written in the config into bits z. */
import type { PrefixMachine } from "../../zmap/prefix-machine";
import { selector, selectorPrograms } from "../../zmap/machines/selector";
import { assemble, bitlang } from "../../zmap/machines/bitlang";
import { ratio } from "../../zmap/machines/ratio";

export const MACHINE_KEYS = ["selector", "bitlang", "ratio"] as const;
export type MachineKey = (typeof MACHINE_KEYS)[number];

/** The selector's program names (a 2-bit program each). */
export const SELECTOR_PROGRAMS = Object.keys(selectorPrograms);
/** ratio's programs: the sign bit of logit 0. */
export const RATIO_PROGRAMS = ["0", "1"] as const;

/** Each machine and its program parser (names and bits are checked by the schema and by check()). */
export const MACHINES: Record<MachineKey, { machine: PrefixMachine; program: (source: string) => number[] }> = {
  selector: { machine: selector, program: (s) => selectorPrograms[s] },
  bitlang: { machine: bitlang, program: (s) => assemble(s) },
  ratio: { machine: ratio, program: (s) => [Number(s)] },
};
