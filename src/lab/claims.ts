/**
 * Claims: each experiment states what the paper says and what we measured, side
 * by side, from its results (never typed by hand). `kcdl render` writes them to
 * `claims.md`; notebooks display them.
 */
import type { Table } from "../report/table";

/** One of the paper's statements beside our measurement. */
export interface Claim {
  /** The statement, in a few words (e.g. "a reliable bit costs 1 bit under a bimodal prior"). */
  claim: string;
  /** What the paper reports, with its location (e.g. "Fig. 8: 1 bit"). */
  paper: string;
  /** What we measured (from results). */
  ours: string;
  /** Whether ours supports the paper's statement; null where there is nothing to compare. */
  agrees: boolean | null;
  /** Why they differ, or how ours was measured. */
  note: string;
}

const verdict = (a: boolean | null) => (a === null ? "—" : a ? "yes" : "no");

/** The claims as a table (columns claim, paper, ours, agrees, note). */
export function claimsTable(claims: readonly Claim[], title = "Paper vs ours"): Table {
  return { title, columns: ["claim", "paper", "ours", "agrees", "note"], rows: claims.map((c) => [c.claim, c.paper, c.ours, verdict(c.agrees), c.note]) };
}
