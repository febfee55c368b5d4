{
  "targets": [
    {
      "target_name": "overseer_kernels",
      "sources": ["src/addon.c", "src/decode.c", "src/gemm.c", "src/model.c", "src/pool.c"],
      "cflags": ["-std=gnu11", "-O3", "-march=native", "-fno-math-errno", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "ldflags": ["-pthread"],
      "libraries": ["-lm"]
    }
  ]
}
