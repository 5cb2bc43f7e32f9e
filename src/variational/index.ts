/** The variational layer: posterior and adaptive priors over a parameter tree, and their KL in bits. */
export * from "./posterior";
export * from "./prior";
export * from "./kl";
