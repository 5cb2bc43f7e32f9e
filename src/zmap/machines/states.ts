/** Named machine states, numbered in the order they are declared (the first is the start state, 0). */
export class StateTable {
  private readonly index = new Map<string, number>();
  readonly names: string[] = [];

  constructor(names: readonly string[]) {
    for (const n of names) {
      if (this.index.has(n)) throw new Error(`state '${n}' declared twice`);
      this.index.set(n, this.names.length);
      this.names.push(n);
    }
  }

  /** The number of state `name`. */
  id(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) throw new Error(`unknown state '${name}'`);
    return i;
  }

  /** The name of state number `i`. */
  name(i: number): string {
    return this.names[i];
  }

  get size(): number {
    return this.names.length;
  }
}

/** The output-tape writes (tape, bit) that put class `c` logit +1 and every other class logit 0 (eq. 28). */
export function oneHotLogitWrites(c: number, classes: number): { tape: number; bit: 0 | 1 }[] {
  const writes: { tape: number; bit: 0 | 1 }[] = [];
  for (let t = 0; t < classes; t++) {
    const bits: (0 | 1)[] = t === c ? [0, 1, 0] : [0, 0];
    for (const bit of bits) writes.push({ tape: t, bit });
  }
  return writes;
}
