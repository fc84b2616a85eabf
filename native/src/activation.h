// Activations shared by the fused matmul epilogue and the element-wise kernels, with
// the cpu backend's semantics (NaN passes through).
#pragma once
#include <cmath>
#include "fastmath.h"

namespace tl {

enum Activation { ACT_LINEAR = 0, ACT_RELU, ACT_RELU6, ACT_ELU, ACT_SIGMOID, ACT_LEAKYRELU, ACT_COUNT };

inline float reluf(float x) { return x < 0.f ? 0.f : x; }
inline float relu6f(float x) { return x < 0.f ? 0.f : (x > 6.f ? 6.f : x); }
inline float eluf(float x) { return x >= 0.f ? x : std::expm1(x); }
// fastExp: libm's expf is a scalar call, and sigmoid loops should vectorise.
inline float sigmoidf(float x) { return 1.f / (1.f + fastExp(-x)); }
inline float leakyf(float x, float alpha) { return x < 0.f ? alpha * x : x; }

// Applies `act` in place to n values.
void activateInPlace(float* x, size_t n, int act, float alpha);

}  // namespace tl
