/**
 * The parity datasets of C.1 (following Shaw et al. 2024): a training set of
 * bit strings of lengths 1–20, "roughly an equal number of examples per number
 * of ones", and an out-of-distribution test set of lengths 21–40.
 *
 * Sampling (our reading of "equal per number of ones"): draw the number of ones
 * k uniformly from 0…maxLen, then the length n uniformly from max(k, minLen)…maxLen,
 * then which k of the n positions are ones uniformly. Each set comes from its
 * own named stream of the seed, so the files are identical on every machine.
 *
 * Files are cached under `data/parity/` as one example per line (the bits, no
 * separators) with `manifest.json` recording sizes, seeds and SHA-256
 * checksums; `loadParitySplit` regenerates a missing file and refuses a file
 * whose checksum no longer matches its manifest entry.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { KcdlError, UsageError } from "../core/errors";
import { packageRoot, writeFileAtomic, writeJsonAtomic } from "../core/io";
import { rngStream } from "../core/rng";

/** What defines one split. */
export interface ParitySplitSpec {
  name: string;
  size: number;
  minLen: number;
  maxLen: number;
  seed: number;
}

/** The split specs of C.1 for a seed (train: 100,000 of lengths 1–20; OOD test: lengths 21–40). */
export function paritySplits(seed: number, opts: { trainSize?: number; testSize?: number; trainMaxLen?: number; testMaxLen?: number } = {}): ParitySplitSpec[] {
  const trainMax = opts.trainMaxLen ?? 20;
  const testMax = opts.testMaxLen ?? 2 * trainMax;
  return [
    { name: "train", size: opts.trainSize ?? 100_000, minLen: 1, maxLen: trainMax, seed },
    { name: "ood", size: opts.testSize ?? 4_000, minLen: trainMax + 1, maxLen: testMax, seed },
  ];
}

/** Parity of a bit string: 1 when the number of ones is odd. */
export function parity(bits: ArrayLike<number>): number {
  let p = 0;
  for (let i = 0; i < bits.length; i++) p ^= bits[i];
  return p;
}

/** Generates one split's bit strings, deterministically from its spec. */
export function generateParitySplit(spec: ParitySplitSpec): Uint8Array[] {
  if (!Number.isInteger(spec.minLen) || spec.minLen < 1 || !Number.isInteger(spec.maxLen) || spec.maxLen < spec.minLen) {
    throw new UsageError(`parity split '${spec.name}': need integer lengths 1 ≤ minLen ≤ maxLen, got ${spec.minLen}…${spec.maxLen}`);
  }
  if (!Number.isInteger(spec.size) || spec.size < 1) throw new UsageError(`parity split '${spec.name}': size must be an integer ≥ 1, got ${spec.size}`);
  const rng = rngStream(spec.seed, `parity/${spec.name}/${spec.minLen}-${spec.maxLen}`);
  const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const out: Uint8Array[] = [];
  for (let e = 0; e < spec.size; e++) {
    const k = int(0, spec.maxLen);
    const n = int(Math.max(k, spec.minLen), spec.maxLen);
    const bits = new Uint8Array(n);
    // k ones at a uniformly random subset of positions (partial Fisher–Yates).
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = int(i, n - 1);
      [idx[i], idx[j]] = [idx[j], idx[i]];
      bits[idx[i]] = 1;
    }
    out.push(bits);
  }
  return out;
}

function serialize(examples: Uint8Array[]): string {
  return examples.map((b) => b.join("")).join("\n") + "\n";
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

interface ManifestEntry extends ParitySplitSpec {
  file: string;
  sha256: string;
  examples: number;
  bytes: number;
}

/** Default cache folder: `<package>/data/parity`. */
export function parityDataDir(): string {
  return path.join(packageRoot(), "data", "parity");
}

function manifestPath(dir: string): string {
  return path.join(dir, "manifest.json");
}

function readManifest(dir: string): ManifestEntry[] {
  const file = manifestPath(dir);
  if (!fs.existsSync(file)) return [];
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")).splits as ManifestEntry[];
  } catch (err) {
    throw new KcdlError(`${file} is not valid JSON (${(err as Error).message}); delete it and its data files to regenerate them`);
  }
}

const fileName = (s: ParitySplitSpec) => `${s.name}-seed${s.seed}-n${s.size}-len${s.minLen}-${s.maxLen}.txt`;

/**
 * The split's examples, from the cache when present and intact, else generated
 * and cached (data file and manifest written atomically).
 */
export function loadParitySplit(spec: ParitySplitSpec, dir: string = parityDataDir()): Uint8Array[] {
  const file = path.join(dir, fileName(spec));
  const manifest = readManifest(dir);
  const entry = manifest.find((m) => m.file === fileName(spec));
  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, "utf8");
    if (entry && sha256(text) !== entry.sha256) {
      throw new KcdlError(`${file} does not match its checksum in ${manifestPath(dir)}: the cached data changed; delete the file to regenerate it`);
    }
    const examples = text.split("\n").filter((l) => l.length > 0).map((l) => Uint8Array.from(l, (c) => (c === "1" ? 1 : 0)));
    if (entry) return examples;
  }
  const examples = generateParitySplit(spec);
  const text = serialize(examples);
  const digest = sha256(text);
  if (entry && entry.sha256 !== digest) {
    throw new KcdlError(`regenerated ${fileName(spec)} differs from its manifest checksum: generation is not reproducible here (report this)`);
  }
  writeFileAtomic(file, text);
  const next = manifest.filter((m) => m.file !== fileName(spec));
  next.push({ ...spec, file: fileName(spec), sha256: digest, examples: examples.length, bytes: Buffer.byteLength(text) });
  next.sort((a, b) => a.file.localeCompare(b.file));
  writeJsonAtomic(manifestPath(dir), { description: "parity datasets of C.1; regenerate with kcdl (src/tasks/parity-data.ts)", splits: next });
  return examples;
}
