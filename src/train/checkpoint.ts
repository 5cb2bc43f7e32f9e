/**
 * Training checkpoints as JSON: every variable, the optimiser state, the data
 * stream's RNG state, the evaluation history and a hash of the configuration.
 * Written atomically (core/io.ts), so an interrupted write never leaves a
 * half-written checkpoint; a checkpoint from another configuration, or a corrupt
 * file, is refused with a message that names the fix.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { KcdlError } from "../core/errors";
import { writeJsonAtomic } from "../core/io";
import type { OptimizerState } from "./optimizer";

export const CHECKPOINT_FORMAT = "kcdl-checkpoint/1";

/**
 * The fix offered for a checkpoint that cannot be used. A checkpoint is only read when resuming
 * (`kcdl run … --resume`, `resume: true` in a notebook); a run without it starts over and
 * overwrites the checkpoint.
 */
export const START_OVER = "to train from the start, run without --resume (or with `resume: false` in a notebook), which overwrites it, or delete the file";

/** What a checkpoint holds. */
export interface Checkpoint {
  format: string;
  /** `configHash` of the training configuration that wrote it. */
  configHash: string;
  /** Steps completed. */
  step: number;
  /** State of the minibatch RNG stream (core/rng.ts). */
  rngState: object;
  /** Every variable by its stable name: shape and float32 values. */
  variables: Record<string, { shape: number[]; values: number[] }>;
  optimizer: OptimizerState;
  /** The state of the prior's own optimiser, when it has one (TrainOptions.priorLrScale, priorFreezeSteps). */
  priorOptimizer?: OptimizerState;
  /** Evaluation records so far. */
  history: Record<string, unknown>[];
  /** Running training-loss curve so far. */
  curve: { step: number; lossBits: number; klBits: number | null; nllBits: number }[];
}

/** JSON with object keys sorted, so equal configs hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}

/** SHA-256 (hex, first 16 chars) of the canonical JSON of `config`. */
export function configHash(config: unknown): string {
  return crypto.createHash("sha256").update(canonicalJson(config)).digest("hex").slice(0, 16);
}

/** Writes a checkpoint atomically. */
export function saveCheckpoint(file: string, ckpt: Checkpoint): void {
  writeJsonAtomic(file, ckpt);
}

/**
 * Reads a checkpoint, checking its format and that it was written by the same
 * configuration (`expectedHash`). Throws a KcdlError otherwise.
 */
export function loadCheckpoint(file: string, expectedHash: string): Checkpoint {
  let raw: string;
  try {
    raw = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new KcdlError(`cannot read checkpoint ${file} (${(err as Error).message})`);
  }
  let ckpt: Checkpoint;
  try {
    ckpt = JSON.parse(raw);
  } catch (err) {
    throw new KcdlError(`checkpoint ${file} is corrupt (not valid JSON: ${(err as Error).message}); ${START_OVER}`);
  }
  const ok =
    ckpt &&
    typeof ckpt === "object" &&
    ckpt.format === CHECKPOINT_FORMAT &&
    typeof ckpt.configHash === "string" &&
    Number.isInteger(ckpt.step) &&
    ckpt.variables &&
    typeof ckpt.variables === "object" &&
    ckpt.optimizer &&
    Array.isArray(ckpt.optimizer.first) &&
    ckpt.rngState &&
    Array.isArray(ckpt.history) &&
    Array.isArray(ckpt.curve);
  if (!ok) throw new KcdlError(`checkpoint ${file} is corrupt (missing or malformed fields; format '${CHECKPOINT_FORMAT}' expected); ${START_OVER}`);
  if (ckpt.configHash !== expectedHash) {
    throw new KcdlError(
      `checkpoint ${file} was written by a different training configuration (hash ${ckpt.configHash}, this run ${expectedHash}); ` +
        `resume with the configuration that wrote it, use another output folder (--out), or ${START_OVER}`,
    );
  }
  return ckpt;
}
