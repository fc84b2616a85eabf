// The one BLAS call we need (sgemm) and thread control, over OpenBLAS or Apple's Accelerate.
#pragma once
#if defined(__APPLE__)
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif

namespace tl {

inline void blasSetThreads(int n) {
#if defined(OPENBLAS_VERSION) || defined(OPENBLAS_CONFIG_H)
  openblas_set_num_threads(n);
#else
  (void)n;
#endif
}

inline int blasThreads() {
#if defined(OPENBLAS_VERSION) || defined(OPENBLAS_CONFIG_H)
  return openblas_get_num_threads();
#else
  return 1;
#endif
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
