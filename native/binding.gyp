{
  "targets": [
    {
      "target_name": "kcdl_native",
      "sources": ["src/addon.c", "src/gemm.c", "src/kernels.c", "src/kl.c", "src/rng.c"],
      "libraries": ["-lopenblas", "-lm"],
      "cflags": ["-O3", "-fno-trapping-math", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags!": ["-O2"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3"] }
    }
  ]
}
