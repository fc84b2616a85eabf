// Branch-free exp and erf for float32 that the compiler can vectorise (libm's expf and
// erff are scalar calls). exp: range reduction by ln 2 and a degree-6 Taylor polynomial on
// |r| ≤ ln2/2 (relative error about 1e-7), 0 below −87.3 and ∞ above 88.72 as float32's
// range ends, NaN kept. erf: Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7),
// enough for GELU within PyTorch's float32 results.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

namespace tl {

inline float fastExp(float x) {
  const bool underflows = x < -87.3f;  // exp(−∞) must be 0: masked attention relies on it
  const bool overflows = x > 88.72f;   // and an overflow must stay ∞, for NaN/∞ detection
  x = x < -87.3f ? -87.3f : x;
  x = x > 88.7f ? 88.7f : x;
  // Round to nearest by adding and removing 1.5·2^23 (no libm call, so the loop vectorises).
  const float n = (x * 1.44269504088896341f + 12582912.f) - 12582912.f;
  // ln 2 split in two, so n·ln2 is subtracted without rounding the high part.
  const float r = (x - n * 0.693145751953125f) - n * 1.428606765330187045e-6f;
  float p = 1.f / 720.f;
  p = p * r + 1.f / 120.f;
  p = p * r + 1.f / 24.f;
  p = p * r + 1.f / 6.f;
  p = p * r + 0.5f;
  p = p * r + 1.f;
  p = p * r + 1.f;
  // 2^n in two halves: near the top of the range 2^n alone (n = 128) is not a float.
  const int32_t ni = static_cast<int32_t>(n), half = ni >> 1;
  const int32_t bitsLow = (half + 127) << 23, bitsHigh = (ni - half + 127) << 23;
  float low, high;
  std::memcpy(&low, &bitsLow, sizeof low);
  std::memcpy(&high, &bitsHigh, sizeof high);
  return underflows ? 0.f : (overflows ? INFINITY : p * low * high);
}

inline float fastErf(float x) {
  const float a = std::fabs(x);
  const float t = 1.f / (1.f + 0.3275911f * a);
  const float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
  const float y = 1.f - poly * fastExp(-a * a);
  return std::copysign(y, x);
}

}  // namespace tl
