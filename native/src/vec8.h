// Eight floats as one GCC vector: one AVX register in an avx2 clone or target, two SSE ones
// otherwise. Loads and stores go through memcpy, so any alignment is fine.
#pragma once
#include <cstring>

namespace tl {

typedef float v8 __attribute__((vector_size(32)));

inline v8 load8(const float* p) {
  v8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store8(float* p, v8 v) { std::memcpy(p, &v, sizeof v); }

}  // namespace tl
