/**
 * Seeded randomness. One run seed fixes every random stream: each consumer asks
 * for a named stream (`rngStream(seed, "bit-encoding/mc")`) or a tfjs op seed
 * (`opSeed(seed, name)`), both derived from the run seed and the name, so adding
 * a consumer never shifts the numbers of another. Nothing in kcdl calls Math.random.
 */
import seedrandom from "seedrandom";

/** A seeded generator of doubles in [0, 1) (alea, the generator tfjs itself uses). */
export interface Rng {
  /** Uniform double in [0, 1) with 53 bits of precision. */
  (): number;
  /** Saved state, for checkpoints. */
  state(): object;
}

/** Independent named stream derived from the run seed. */
export function rngStream(seed: number, name: string, state?: object): Rng {
  const prng = state
    ? seedrandom.alea("", { state: state as seedrandom.State.Alea })
    : seedrandom.alea(`${seed}/${name}`, { state: true });
  const rng = (() => prng.double()) as Rng;
  rng.state = () => prng.state();
  return rng;
}

/**
 * Integer seed ≥ 1 for a tfjs random op. (tfjs treats seed 0 as "no seed" in
 * randomNormal/truncatedNormal/randomGamma/multinomial and falls back to Math.random.)
 */
export function opSeed(seed: number, name: string): number {
  const prng = seedrandom.alea(`${seed}/op/${name}`);
  return 1 + (Math.abs(prng.int32()) % 2_147_483_646);
}

/** Standard normal draw by Box–Muller from a uniform stream. */
export function normal(rng: Rng): number {
  let u = 0;
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
