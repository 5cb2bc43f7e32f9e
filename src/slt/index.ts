/**
 * Singular learning theory: the local learning coefficient (LLC) estimated by SGLD
 * (Lau et al. 2023; seed 004 eq. 10), models with a known learning coefficient to
 * calibrate it (regular, w₁w₂, deep linear networks — Aoyagi 2024), and critical
 * quantisation (seed 004 eq. 9) with linear fits.
 */
export * from "./target";
export * from "./sgld";
export * from "./dln-coefficient";
export * from "./calibration-models";
export * from "./calibrate";
export * from "./quantise";
export * from "./fit";
