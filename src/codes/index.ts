/** codes: description lengths in bits — GMMs (B.9.1), KL (eq. 91), quadrature, optimal priors (B.9.3), eq. 86, bit codes (B.9.2). */
export * from "./gmm";
export * from "./kl";
export * from "./quadrature";
export * from "./optimal-prior";
export * from "./codelength";
export * from "./bit-code";
export { normalCdf, normalSf, normalQuantile, normalPdf, LN2 } from "./normal";
export { summaryPdf, priorGrid } from "./gmm-summary";
export type { PriorSummary } from "./gmm-summary";
export * from "./two-part";
export * from "./prequential";
export * from "./quantised";
