/** core: backend choice, seeded randomness, config merging, progress, atomic output, errors. */
export { initBackend, activeBackend, useHostBackend, onHost, onDevice, switchTo, BACKENDS, tf } from "./backend";
export type { BackendInfo, BackendName } from "./backend";
export { probeWebgpu, webgpuAdapter, adapterLabel, SWIFTSHADER_ICD } from "./webgpu";
export type { WebgpuAdapter } from "./webgpu";
export { rngStream, opSeed, normal } from "./rng";
export type { Rng } from "./rng";
export { parseSettings } from "./config";
export type { DeepPartial } from "./config";
export { KcdlError, UsageError, assertChoice } from "./errors";
export { silentProgress, terminalProgress } from "./progress";
export type { Progress } from "./progress";
export { writeFileAtomic, writeJsonAtomic, packageRoot, kcdlVersion } from "./io";
export { setNativeThreads, nativeInfo, nativeUnavailableReason } from "./native-kernels";
export { InterruptedError, interruptScope, yieldToEventLoop } from "./interrupt";
