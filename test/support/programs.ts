/** Small ALTA programs shared by tests. */
import { Program, ProgramBuilder, Updates } from "../../src/alta";

/**
 * The relative-head boundary program: categorical range 4 (x: START 2, END 3, input bits 0/1),
 * heads at ±1; y ← x at i − 1, z ← x at i + 1.
 */
export function boundaryProgram(): Program {
  return new ProgramBuilder("boundary", 2)
    .categorical("x", 4, { init: (t) => (t.kind === "input" ? t.index : t.kind === "start" ? 2 : t.kind === "end" ? 3 : 0) })
    .categorical("y", 4)
    .categorical("z", 4)
    .relative("left", "x", -1)
    .relative("right", "x", +1)
    .mlp("copyLeft", ["left", "y"], (v): Updates => ({ y: v.left }))
    .mlp("copyRight", ["right", "z"], (v): Updates => ({ z: v.right }))
    .output("y")
    .build();
}
