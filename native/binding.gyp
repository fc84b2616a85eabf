{
  "targets": [
    {
      "target_name": "tensorloom_native",
      "sources": [
        "src/addon.cc",
        "src/matmul.cc",
        "src/elementwise.cc",
        "src/reduce.cc",
        "src/optimizer.cc",
        "src/gather.cc",
        "src/copy.cc",
        "src/normalization.cc",
        "src/crossEntropy.cc",
        "src/modulatedLinear.cc",
        "src/grouped.cc",
        "src/smallGemm.cc",
        "src/sparseGemm.cc",
        "src/parallel.cc"
      ],
      "include_dirs": ["<!@(node blas.mjs include)"],
      "libraries": ["<!@(node blas.mjs libs)"],
      "defines": ["NAPI_VERSION=8"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3", "-ffp-contract=off", "-fno-math-errno", "-fno-trapping-math", "-Wall", "-Wno-unused-parameter"],
      "xcode_settings": {
        "OTHER_CPLUSPLUSFLAGS": ["-std=c++17", "-O3", "-ffp-contract=off", "-fno-math-errno", "-fno-trapping-math"],
        "MACOSX_DEPLOYMENT_TARGET": "11.0"
      }
    }
  ]
}
