// One-pass optimizer arithmetic: the Adam/AdamW update of one variable, and the sum of
// squares behind the global gradient norm. Each step is computed in float32 in the same
// order as the tensor ops of engine/train/optimizers.ts (no FMA contraction; see
// binding.gyp), so the fused update follows the unfused one to the last bit or so.
#include <algorithm>
#include <cmath>
#include "common.h"
#include "parallel.h"

namespace tl {

template <int Decay>  // 0: none, 1: L2 added to the gradient (Adam), 2: decoupled (AdamW)
static inline __attribute__((always_inline)) void adamLoop(size_t n, const float* __restrict w, const float* __restrict g, const float* __restrict m,
                     const float* __restrict v, float* __restrict wOut, float* __restrict mOut, float* __restrict vOut,
                     float stepSize, float beta1, float oneMinusB1, float beta2, float oneMinusB2, float bc2Sqrt, float eps,
                     float wd, float decay) {
  for (size_t i = 0; i < n; i++) {
    float gi = g[i];
    float base = w[i];
    if (Decay == 1) gi = gi + w[i] * wd;
    if (Decay == 2) base = w[i] * decay;
    const float mi = m[i] * beta1 + gi * oneMinusB1;
    const float vi = v[i] * beta2 + (gi * gi) * oneMinusB2;
    const float denom = std::sqrt(vi) / bc2Sqrt + eps;
    mOut[i] = mi;
    vOut[i] = vi;
    wOut[i] = base - (mi / denom) * stepSize;
  }
}

// Values per thread from which an Adam update or a sum of squares is split across the pool
// (~20 µs of work on one core: seven arrays stream through memory per value).
constexpr size_t kParallelAdamValues = size_t{1} << 15;

#define TL_ADAM_PARAMS float stepSize, float beta1, float oneMinusB1, float beta2, float oneMinusB2, float bc2Sqrt, float eps, float wd, float decay
#define TL_ADAM_ARGS stepSize, beta1, oneMinusB1, beta2, oneMinusB2, bc2Sqrt, eps, wd, decay
TL_CLONES static void adamFresh(int decayMode, size_t n, const float* w, const float* g, const float* m, const float* v, float* wOut,
                                float* mOut, float* vOut, TL_ADAM_PARAMS) {
  if (decayMode == 0) adamLoop<0>(n, w, g, m, v, wOut, mOut, vOut, TL_ADAM_ARGS);
  else if (decayMode == 1) adamLoop<1>(n, w, g, m, v, wOut, mOut, vOut, TL_ADAM_ARGS);
  else adamLoop<2>(n, w, g, m, v, wOut, mOut, vOut, TL_ADAM_ARGS);
}

// adam(w, g, m, v, wOut, mOut, vOut, stepSize, beta1, beta2, bc2Sqrt, eps, weightDecay, lr, decoupled)
// The outputs are fresh arrays, distinct from the inputs.
static napi_value Adam(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t n, gn, mn, vn, wo, mo, vo;
  const float* w = a.f32(0, &n);
  const float* g = a.f32(1, &gn);
  const float* m = a.f32(2, &mn);
  const float* v = a.f32(3, &vn);
  float* wOut = a.f32(4, &wo);
  float* mOut = a.f32(5, &mo);
  float* vOut = a.f32(6, &vo);
  TL_CHECK(env, w && g && m && v && wOut && mOut && vOut, "adam expects seven Float32Arrays");
  TL_CHECK(env, gn == n && mn == n && vn == n && wo == n && mo == n && vo == n, "adam: arrays differ in length");
  const float* ins[] = {w, g, m, v};
  for (const float* in : ins) TL_CHECK(env, n == 0 || (in != wOut && in != mOut && in != vOut), "adam: outputs must be fresh arrays");
  const float stepSize = static_cast<float>(a.num(7));
  const float beta1 = static_cast<float>(a.num(8));
  const float beta2 = static_cast<float>(a.num(9));
  const float bc2Sqrt = static_cast<float>(a.num(10));
  const float eps = static_cast<float>(a.num(11));
  const double wdD = a.num(12), lrD = a.num(13);
  const bool decoupled = a.integer(14) != 0;
  // The same float32 constants tf.scalar would make of these JavaScript numbers.
  const float oneMinusB1 = static_cast<float>(1.0 - a.num(8));
  const float oneMinusB2 = static_cast<float>(1.0 - a.num(9));
  const float wd = static_cast<float>(wdD);
  const float decay = static_cast<float>(1.0 - lrD * wdD);
  const int decayMode = wdD == 0.0 ? 0 : decoupled ? 2 : 1;
  parallelRange(n, kParallelAdamValues, [&](size_t b, size_t e) {
    adamFresh(decayMode, e - b, w + b, g + b, m + b, v + b, wOut + b, mOut + b, vOut + b, TL_ADAM_ARGS);
  });
  return nullptr;
}

template <int Decay>
static inline __attribute__((always_inline)) void adamInPlaceLoop(size_t n, float* __restrict w, const float* __restrict g, float* __restrict m, float* __restrict v,
                            float stepSize, float beta1, float oneMinusB1, float beta2, float oneMinusB2, float bc2Sqrt,
                            float eps, float wd, float decay) {
  for (size_t i = 0; i < n; i++) {
    float gi = g[i];
    const float wi = w[i];
    float base = wi;
    if (Decay == 1) gi = gi + wi * wd;
    if (Decay == 2) base = wi * decay;
    const float mi = m[i] * beta1 + gi * oneMinusB1;
    const float vi = v[i] * beta2 + (gi * gi) * oneMinusB2;
    const float denom = std::sqrt(vi) / bc2Sqrt + eps;
    m[i] = mi;
    v[i] = vi;
    w[i] = base - (mi / denom) * stepSize;
  }
}

TL_CLONES static void adamOver(int decayMode, size_t n, float* w, const float* g, float* m, float* v, TL_ADAM_PARAMS) {
  if (decayMode == 0) adamInPlaceLoop<0>(n, w, g, m, v, TL_ADAM_ARGS);
  else if (decayMode == 1) adamInPlaceLoop<1>(n, w, g, m, v, TL_ADAM_ARGS);
  else adamInPlaceLoop<2>(n, w, g, m, v, TL_ADAM_ARGS);
}

// adamInPlace(w, g, m, v, stepSize, beta1, beta2, bc2Sqrt, eps, weightDecay, lr, decoupled):
// the same update written over w, m and v (four distinct arrays), when nothing else sees them.

static napi_value AdamInPlace(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t n, gn, mn, vn;
  float* w = a.f32(0, &n);
  const float* g = a.f32(1, &gn);
  float* m = a.f32(2, &mn);
  float* v = a.f32(3, &vn);
  TL_CHECK(env, w && g && m && v, "adamInPlace expects four Float32Arrays");
  TL_CHECK(env, gn == n && mn == n && vn == n, "adamInPlace: arrays differ in length");
  TL_CHECK(env, n == 0 || (w != g && w != m && w != v && g != m && g != v && m != v), "adamInPlace: arrays must be distinct");
  const float stepSize = static_cast<float>(a.num(4));
  const float beta1 = static_cast<float>(a.num(5));
  const float beta2 = static_cast<float>(a.num(6));
  const float bc2Sqrt = static_cast<float>(a.num(7));
  const float eps = static_cast<float>(a.num(8));
  const double wdD = a.num(9), lrD = a.num(10);
  const bool decoupled = a.integer(11) != 0;
  const float oneMinusB1 = static_cast<float>(1.0 - a.num(5));
  const float oneMinusB2 = static_cast<float>(1.0 - a.num(6));
  const float wd = static_cast<float>(wdD);
  const float decay = static_cast<float>(1.0 - lrD * wdD);
  const int decayMode = wdD == 0.0 ? 0 : decoupled ? 2 : 1;
  parallelRange(n, kParallelAdamValues, [&](size_t b, size_t e) {
    adamOver(decayMode, e - b, w + b, g + b, m + b, v + b, TL_ADAM_ARGS);
  });
  return nullptr;
}

TL_CLONES static double sumOfSquares(const float* x, size_t n) {
  // Eight double lanes (two vectors of four): float32 squares could overflow, doubles cannot.
  typedef double v4d __attribute__((vector_size(32)));
  v4d a = {0, 0, 0, 0}, b = {0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const v4d p = {x[i], x[i + 1], x[i + 2], x[i + 3]};
    const v4d q = {x[i + 4], x[i + 5], x[i + 6], x[i + 7]};
    a += p * p;
    b += q * q;
  }
  double rest = 0;
  for (; i < n; i++) rest += static_cast<double>(x[i]) * x[i];
  const v4d t = a + b;
  return ((t[0] + t[1]) + (t[2] + t[3])) + rest;
}

// sumSquares(x): Σ x² in double (no overflow for any float32), NaN or ∞ if any entry is.
static napi_value SumSquares(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t n;
  const float* x = a.f32(0, &n);
  TL_CHECK(env, x, "sumSquares expects a Float32Array");
  // One partial sum per part, added in part order: the same total whichever thread ran which part.
  double partial[64] = {0};
  const size_t parts = std::min<size_t>(64, static_cast<size_t>(parallelThreads()));
  const size_t perPart = (n + parts - 1) / parts;
  if (parts <= 1 || n < kParallelAdamValues * 2) return number(env, sumOfSquares(x, n));
  parallelTasks(static_cast<int>(parts), [&](int i) {
    const size_t b = std::min(n, perPart * i), e = std::min(n, b + perPart);
    partial[i] = sumOfSquares(x + b, e - b);
  });
  double total = 0;
  for (size_t i = 0; i < parts; i++) total += partial[i];
  return number(env, total);
}

void defineOptimizer(napi_env env, napi_value exports) {
  defineFunction(env, exports, "adam", Adam);
  defineFunction(env, exports, "adamInPlace", AdamInPlace);
  defineFunction(env, exports, "sumSquares", SumSquares);
}

}  // namespace tl
