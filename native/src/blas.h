// The one BLAS call we need (sgemm) and thread control, over OpenBLAS or Apple's Accelerate.
#pragma once
#if defined(__APPLE__)
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif

namespace tl {

#if defined(OPENBLAS_VERSION) || defined(OPENBLAS_CONFIG_H)
#define TL_OPENBLAS 1
#endif

// The thread count asked for by setThreads, or OpenBLAS's own count before the addon first
// changed it (OpenBLAS's current count changes per product, so it cannot be read back).
inline int& requestedBlasThreads() {
#ifdef TL_OPENBLAS
  static int threads = openblas_get_num_threads();
#else
  static int threads = 1;
#endif
  return threads;
}

inline void blasSetThreads(int n) {
#ifdef TL_OPENBLAS
  openblas_set_num_threads(n);
  requestedBlasThreads() = n;
#else
  (void)n;
#endif
}

// Sets OpenBLAS's own count without changing what setThreads asked for (a kernel running
// products on its own threads sets 1 for the duration).
inline void blasSetThreadsRaw(int n) {
#ifdef TL_OPENBLAS
  openblas_set_num_threads(n);
#else
  (void)n;
#endif
}

inline int blasThreads() { return requestedBlasThreads(); }

// Below this many multiply-adds a product runs on one thread. OpenBLAS splits anything
// above 2^18 across its workers, and handing a small product to a worker that went idle
// during the step's element-wise work costs more than the product: measured in an MLP
// step, 128×256×10 took 0.5 ms on two threads and 0.02 ms on one.
constexpr double kParallelGemmWork = 4.0e6;

// C = op(A)·op(B), row-major, on as many threads as the product's size is worth.
inline void sgemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, const float* A, int lda, const float* B,
                  int ldb, float* C, int ldc) {
#ifdef TL_OPENBLAS
  const int wanted = requestedBlasThreads();
  const int threads = static_cast<double>(m) * n * k < kParallelGemmWork ? 1 : wanted;
  if (threads != openblas_get_num_threads()) openblas_set_num_threads(threads);
#endif
  cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.f, A, lda, B, ldb, 0.f, C, ldc);
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
