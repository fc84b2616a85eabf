// The one BLAS call we need (sgemm), over OpenBLAS or Apple's Accelerate, split across the pool.
#pragma once
#if defined(__APPLE__)
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif
#include <algorithm>
#include <vector>
#include "parallel.h"

namespace tl {

#if defined(OPENBLAS_VERSION) || defined(OPENBLAS_CONFIG_H)
#define TL_OPENBLAS 1
#endif

// OpenBLAS always runs on the calling thread: products are split across the addon's own
// pool (parallel.h), which the element-wise kernels and the optimizer share.
inline void blasSingleThreaded() {
#ifdef TL_OPENBLAS
  static const bool once = (openblas_set_num_threads(1), true);
  (void)once;
#endif
}

// Below this many multiply-adds a product runs on one thread: ~10 µs of work on one core,
// where handing half of it to another core stops paying for itself.
constexpr double kParallelGemmWork = 1.0e6;

// Products whose sides are all at most this long skip BLAS (smallGemm.cc).
constexpr int kSmallGemmMax = 64;
inline bool isSmallGemm(int m, int n, int k) { return m <= kSmallGemmMax && n <= kSmallGemmMax && k <= kSmallGemmMax; }
void smallGemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, const float* A, int lda, const float* B, int ldb,
               float* C, int ldc);

// One single-threaded product C = op(A)·op(B), row-major.
inline void sgemmOne(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, const float* A, int lda, const float* B,
                     int ldb, float* C, int ldc) {
  if (isSmallGemm(m, n, k)) smallGemm(ta, tb, m, n, k, A, lda, B, ldb, C, ldc);
  else cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.f, A, lda, B, ldb, 0.f, C, ldc);
}

// C = op(A)·op(B) with the k dimension cut in `parts` ranges: part 0 writes C, the others
// write partial products that are then added in part order. For weight gradients, where
// C is small and k is the batch: each thread reads its own rows of both operands.
inline void sgemmSplitK(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, const float* A, int lda, const float* B,
                        int ldb, float* C, int ldc, int parts) {
  const int step = (k / parts + 15) / 16 * 16;
  std::vector<float> partial(static_cast<size_t>(parts - 1) * m * n);
  parallelTasks(parts, [&](int i) {
    const int begin = std::min(k, step * i);
    const int size = i + 1 == parts ? k - begin : std::min(step, k - begin);
    float* out = i == 0 ? C : partial.data() + static_cast<size_t>(i - 1) * m * n;
    const int ldo = i == 0 ? ldc : n;
    if (size <= 0) {
      for (int r = 0; r < m; r++) std::fill(out + static_cast<size_t>(r) * ldo, out + static_cast<size_t>(r) * ldo + n, 0.f);
      return;
    }
    const float* Ai = ta == CblasNoTrans ? A + begin : A + static_cast<size_t>(begin) * lda;
    const float* Bi = tb == CblasNoTrans ? B + static_cast<size_t>(begin) * ldb : B + begin;
    sgemmOne(ta, tb, m, n, size, Ai, lda, Bi, ldb, out, ldo);
  });
  for (int p = 1; p < parts; p++) {
    const float* part = partial.data() + static_cast<size_t>(p - 1) * m * n;
    for (int r = 0; r < m; r++)
      for (int c = 0; c < n; c++) C[static_cast<size_t>(r) * ldc + c] += part[static_cast<size_t>(r) * n + c];
  }
}

// C = op(A)·op(B) multiplying only the nonzeros of op(A), when a sample of A is mostly zeros
// (sparseGemm.cc); false, with C untouched, when A is dense or the product is small or
// shaped otherwise.
bool sparseLeftGemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, const float* A, int lda, const float* B,
                    int ldb, float* C, int ldc);

// C = op(A)·op(B), row-major, split across the pool's threads when big enough: along k when
// C is small and k long (a weight gradient over a batch), else along the rows of C when B is
// the smaller operand (each part packs all of B), else along its columns.
inline void sgemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, const float* A, int lda, const float* B,
                  int ldb, float* C, int ldc) {
  blasSingleThreaded();
  if (sparseLeftGemm(ta, tb, m, n, k, A, lda, B, ldb, C, ldc)) return;
  const int threads = parallelThreads();
  const bool byRows = m >= n;
  const int extent = byRows ? m : n;
  if (threads < 2 || static_cast<double>(m) * n * k < kParallelGemmWork || inParallelTask()) {
    sgemmOne(ta, tb, m, n, k, A, lda, B, ldb, C, ldc);
    return;
  }
  if (std::max(m, n) <= 256 && k >= 8 * std::max(m, n)) {
    sgemmSplitK(ta, tb, m, n, k, A, lda, B, ldb, C, ldc, std::min(threads, k / 64));
    return;
  }
  if (extent < 32) {
    sgemmOne(ta, tb, m, n, k, A, lda, B, ldb, C, ldc);
    return;
  }
  const int parts = std::min(threads, extent / 16);
  const int step = (extent / parts + 15) / 16 * 16;
  parallelTasks(parts, [&](int i) {
    const int begin = std::min(extent, step * i);
    const int size = i + 1 == parts ? extent - begin : std::min(step, extent - begin);
    if (size <= 0) return;
    if (byRows) {
      const float* Ai = ta == CblasNoTrans ? A + static_cast<size_t>(begin) * lda : A + begin;
      sgemmOne(ta, tb, size, n, k, Ai, lda, B, ldb, C + static_cast<size_t>(begin) * ldc, ldc);
    } else {
      const float* Bi = tb == CblasNoTrans ? B + begin : B + static_cast<size_t>(begin) * ldb;
      sgemmOne(ta, tb, m, size, k, A, lda, Bi, ldb, C + begin, ldc);
    }
  });
}

inline const char* blasDescription() {
#if defined(OPENBLAS_VERSION) || defined(OPENBLAS_CONFIG_H)
  return openblas_get_config();
#elif defined(__APPLE__)
  return "Accelerate";
#else
  return "cblas";
#endif
}

}  // namespace tl
