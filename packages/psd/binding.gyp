{
  "targets": [
    {
      "target_name": "psd_native",
      "sources": ["native/psd-native.c"],
      "cflags": ["-std=gnu11", "-O3", "-march=native", "-fno-math-errno", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-lm"]
    }
  ]
}
