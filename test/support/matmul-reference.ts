/** A plain-loop reference for matrix products, shared by the kernel tests. */
import * as tf from "@tensorflow/tfjs";

/** A·B (optionally transposed) by loops over row-major arrays, batch dims broadcast from 1. */
export function loopMatMul(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): { shape: number[]; values: Float64Array } {
  const av = a.dataSync();
  const bv = b.dataSync();
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = ta ? ac : ar;
  const k = ta ? ar : ac;
  const n = tb ? br : bc;
  const batchA = a.size / (ar * ac);
  const batchB = b.size / (br * bc);
  const batch = Math.max(batchA, batchB);
  const out = new Float64Array(batch * m * n);
  for (let z = 0; z < batch; z++) {
    const oa = (batchA === 1 ? 0 : z) * ar * ac;
    const ob = (batchB === 1 ? 0 : z) * br * bc;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += av[oa + (ta ? p * ac + i : i * ac + p)] * bv[ob + (tb ? j * bc + p : p * bc + j)];
        out[(z * m + i) * n + j] = s;
      }
    }
  }
  const da = a.shape.slice(0, -2);
  const db = b.shape.slice(0, -2);
  const r = Math.max(da.length, db.length);
  const at = (d: number[], i: number) => d[d.length - r + i] ?? 1;
  const dims = Array.from({ length: r }, (_, i) => Math.max(at(da, i), at(db, i)));
  return { shape: [...dims, m, n], values: out };
}
