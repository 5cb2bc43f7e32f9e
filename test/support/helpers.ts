/** Shared test helpers: one tolerance check used everywhere, and backend setup. */
import * as assert from "node:assert/strict";
import { initBackend } from "../../src/core/backend";

/** Asserts |actual − expected| ≤ tol, with a message naming both values. */
export function closeTo(actual: number, expected: number, tol: number, what = "value"): void {
  assert.ok(Number.isFinite(actual), `${what}: expected a finite number, got ${actual}`);
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} differs from ${expected} by ${Math.abs(actual - expected)} > ${tol}`);
}

/** The backend tests run on: wasm unless KCDL_TEST_BACKEND says otherwise. */
export async function testBackend(): Promise<void> {
  await initBackend(process.env.KCDL_TEST_BACKEND ?? "wasm");
}
