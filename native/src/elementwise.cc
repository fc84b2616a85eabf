// Element-wise kernels: unary maps and binary ops with numpy-style broadcasting. The
// broadcast plan collapses dimensions that are contiguous in every operand, so most
// calls become one flat loop (same shape, scalar, or a row vector over a matrix).
#include <algorithm>
#include <cmath>
#include <cstring>
#include "common.h"
#include "fastmath.h"
#include "activation.h"
#include "parallel.h"

namespace tl {

// Order = the codes JavaScript passes; names are tfjs kernel names.
static const char* const kUnary[] = {"Neg",   "Abs",      "Square",     "Sqrt",  "Rsqrt", "Exp",   "Log",
                                     "Relu",  "Relu6",    "Sigmoid",    "Tanh",  "Step",  "Reciprocal",
                                     "Elu",   "LeakyRelu", "Erf",       "Sign",  "Log1p", "Expm1", "Softplus",
                                     "ClipByValue", "Floor", "Ceil",    "Sin",   "Cos",   "Selu"};
enum Unary {
  U_NEG, U_ABS, U_SQUARE, U_SQRT, U_RSQRT, U_EXP, U_LOG, U_RELU, U_RELU6, U_SIGMOID, U_TANH, U_STEP, U_RECIPROCAL,
  U_ELU, U_LEAKY, U_ERF, U_SIGN, U_LOG1P, U_EXPM1, U_SOFTPLUS, U_CLIP, U_FLOOR, U_CEIL, U_SIN, U_COS, U_SELU, U_COUNT
};

static const char* const kBinary[] = {"Add", "Sub", "Multiply", "RealDiv", "Maximum", "Minimum", "SquaredDifference", "Pow", "Prelu",
                                     "TensorloomReluGrad"};
enum Binary { B_ADD, B_SUB, B_MUL, B_DIV, B_MAX, B_MIN, B_SQDIFF, B_POW, B_PRELU, B_RELU_GRAD, B_COUNT };

// F should be a lambda: a function pointer is called per element and its loop is not
// vectorised (Relu ran 15× slower that way). Each part works on its own copy of f, so a
// captured constant (Step's alpha) cannot alias `out` and stays in a register.
template <class F>
static void map(const float* x, float* out, size_t n, F f) {
  parallelRange(n, kParallelElements, [&](size_t begin, size_t end) {
    const F local = f;
    for (size_t i = begin; i < end; i++) out[i] = local(x[i]);
  });
}

// tfjs' softplus: exp(x) below log(eps)+2, x above its negation, log1p(exp(x)) between.
static inline float softplusf(float x) {
  const float threshold = std::log(1.1920928955078125e-7f) + 2.0f;
  if (x < threshold) return std::exp(x);
  if (x > -threshold) return x;
  return std::log1p(std::exp(x));
}

// unary(op, x, out, alpha, beta): alpha is Step/LeakyRelu's alpha or ClipByValue's min, beta its max.
static napi_value UnaryOp(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t xn, on;
  const int op = static_cast<int>(a.integer(0));
  const float* x = a.f32(1, &xn);
  float* out = a.f32(2, &on);
  TL_CHECK(env, x && out && on >= xn, "unary expects Float32Arrays x and out of x's length");
  TL_CHECK(env, op >= 0 && op < U_COUNT, "unary: unknown op");
  const float alpha = static_cast<float>(a.num(3)), beta = static_cast<float>(a.num(4));
  const size_t n = xn;
  switch (op) {
    case U_NEG: map(x, out, n, [](float v) { return -v; }); break;
    case U_ABS: map(x, out, n, [](float v) { return std::fabs(v); }); break;
    case U_SQUARE: map(x, out, n, [](float v) { return v * v; }); break;
    case U_SQRT: map(x, out, n, [](float v) { return std::sqrt(v); }); break;
    case U_RSQRT: map(x, out, n, [](float v) { return 1.f / std::sqrt(v); }); break;
    case U_EXP: map(x, out, n, [](float v) { return fastExp(v); }); break;
    case U_LOG: map(x, out, n, [](float v) { return std::log(v); }); break;
    case U_RELU: map(x, out, n, [](float v) { return reluf(v); }); break;
    case U_RELU6: map(x, out, n, [](float v) { return relu6f(v); }); break;
    case U_SIGMOID: map(x, out, n, [](float v) { return sigmoidf(v); }); break;
    case U_TANH: map(x, out, n, [](float v) { return std::tanh(v); }); break;
    case U_STEP:
      // Both selects computed, so the loop is branch-free and vectorises.
      map(x, out, n, [alpha](float v) {
        const float s = v > 0.f ? 1.f : alpha;
        return v != v ? v : s;
      });
      break;
    case U_RECIPROCAL: map(x, out, n, [](float v) { return 1.f / v; }); break;
    case U_ELU: map(x, out, n, [](float v) { return eluf(v); }); break;
    case U_LEAKY: map(x, out, n, [alpha](float v) { return leakyf(v, alpha); }); break;
    case U_ERF: map(x, out, n, [](float v) { return std::erf(v); }); break;
    case U_SIGN: map(x, out, n, [](float v) { return v < 0.f ? -1.f : (v > 0.f ? 1.f : 0.f); }); break;
    case U_LOG1P: map(x, out, n, [](float v) { return std::log1p(v); }); break;
    case U_EXPM1: map(x, out, n, [](float v) { return std::expm1(v); }); break;
    case U_SOFTPLUS: map(x, out, n, [](float v) { return softplusf(v); }); break;
    case U_CLIP: map(x, out, n, [alpha, beta](float v) { return v > beta ? beta : (v < alpha ? alpha : v); }); break;
    case U_FLOOR: map(x, out, n, [](float v) { return std::floor(v); }); break;
    case U_CEIL: map(x, out, n, [](float v) { return std::ceil(v); }); break;
    case U_SIN: map(x, out, n, [](float v) { return std::sin(v); }); break;
    case U_COS: map(x, out, n, [](float v) { return std::cos(v); }); break;
    case U_SELU:
      map(x, out, n, [](float v) {
        const float scale = 1.0507009873554804934193349852946f, a = 1.6732632423543772848170429916717f;
        return v >= 0.f ? scale * v : scale * a * std::expm1(v);
      });
      break;
  }
  return nullptr;
}

// Strides of each operand over the output's dimensions (0 where it is broadcast),
// with dimensions merged wherever both operands stay contiguous across them.
struct BroadcastPlan {
  int rank = 0;
  int64_t dims[8];
  int64_t sa[8];
  int64_t sb[8];
};

static bool planBroadcast(napi_env env, BroadcastPlan& p, size_t aLen, size_t bLen, size_t outLen) {
  size_t sl;
  const int32_t* s = scratch(env, &sl);
  if (!s || sl < 1) return false;
  const int rank = s[0];
  if (rank < 0 || rank > 8 || sl < static_cast<size_t>(1 + 3 * rank)) return false;
  const int32_t* od = s + 1;
  const int32_t* ad = s + 1 + rank;
  const int32_t* bd = s + 1 + 2 * rank;
  int64_t ta[8], tb[8];
  int64_t strideA = 1, strideB = 1, total = 1;
  for (int d = rank - 1; d >= 0; d--) {
    if (ad[d] != od[d] && ad[d] != 1) return false;
    if (bd[d] != od[d] && bd[d] != 1) return false;
    ta[d] = ad[d] == 1 ? 0 : strideA;
    tb[d] = bd[d] == 1 ? 0 : strideB;
    strideA *= ad[d];
    strideB *= bd[d];
    total *= od[d];
  }
  if (static_cast<size_t>(strideA) > aLen || static_cast<size_t>(strideB) > bLen || static_cast<size_t>(total) > outLen)
    return false;
  // Merge from the innermost dimension outwards, dropping size-1 dimensions.
  p.rank = 0;
  for (int d = rank - 1; d >= 0; d--) {
    if (od[d] == 1) continue;
    if (p.rank > 0) {
      const int q = p.rank - 1;
      if (ta[d] == p.sa[q] * p.dims[q] && tb[d] == p.sb[q] * p.dims[q]) {
        p.dims[q] *= od[d];
        continue;
      }
    }
    p.dims[p.rank] = od[d];
    p.sa[p.rank] = ta[d];
    p.sb[p.rank] = tb[d];
    p.rank++;
  }
  if (p.rank == 0) {
    p.rank = 1;
    p.dims[0] = total;  // 1 or 0 elements
    p.sa[0] = p.sb[0] = 0;
  }
  // p.dims[0] is now the innermost dimension; reverse so index 0 is outermost.
  for (int i = 0, j = p.rank - 1; i < j; i++, j--) {
    std::swap(p.dims[i], p.dims[j]);
    std::swap(p.sa[i], p.sa[j]);
    std::swap(p.sb[i], p.sb[j]);
  }
  return true;
}

template <class A, class B, class O, class F>
static void inner(const A* a, const B* b, O* out, int64_t n, int64_t sa, int64_t sb, F f) {
  if (sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; i++) out[i] = f(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const B bv = b[0];
    for (int64_t i = 0; i < n; i++) out[i] = f(a[i], bv);
  } else if (sa == 0 && sb == 1) {
    const A av = a[0];
    for (int64_t i = 0; i < n; i++) out[i] = f(av, b[i]);
  } else {
    for (int64_t i = 0; i < n; i++) out[i] = f(a[i * sa], b[i * sb]);
  }
}

// Runs the plan over outer indices [first, last) of the flattened outer dimensions.
template <class A, class B, class O, class F>
static void broadcastRows(const BroadcastPlan& p, const A* a, const B* b, O* out, F f, int64_t first, int64_t last) {
  if (first >= last) return;  // also when an outer dimension is 0
  const int end = p.rank - 1;
  const int64_t n = p.dims[end];
  int64_t idx[8] = {0};
  int64_t offA = 0, offB = 0;
  // The odometer's starting position for `first`.
  int64_t q = first;
  for (int d = end - 1; d >= 0; d--) {
    idx[d] = q % p.dims[d];
    q /= p.dims[d];
    offA += idx[d] * p.sa[d];
    offB += idx[d] * p.sb[d];
  }
  for (int64_t o = first; o < last; o++) {
    inner(a + offA, b + offB, out + o * n, n, p.sa[end], p.sb[end], f);
    // Odometer over the outer dimensions.
    for (int d = end - 1; d >= 0; d--) {
      idx[d]++;
      offA += p.sa[d];
      offB += p.sb[d];
      if (idx[d] < p.dims[d]) break;
      offA -= p.sa[d] * p.dims[d];
      offB -= p.sb[d] * p.dims[d];
      idx[d] = 0;
    }
  }
}

// The whole broadcast, split across the pool by outer rows, or along the one flat row.
template <class A, class B, class O, class F>
static void broadcastLoop(const BroadcastPlan& p, const A* a, const B* b, O* out, F f) {
  const int end = p.rank - 1;
  const int64_t n = p.dims[end];
  int64_t outer = 1;
  for (int d = 0; d < end; d++) outer *= p.dims[d];
  if (outer == 1) {
    const int64_t sa = p.sa[end], sb = p.sb[end];
    parallelRange(static_cast<size_t>(n), kParallelElements, [&](size_t begin, size_t stop) {
      inner(a + begin * sa, b + begin * sb, out + begin, static_cast<int64_t>(stop - begin), sa, sb, f);
    });
    return;
  }
  const size_t rowsPerPart = std::max<size_t>(1, kParallelElements / static_cast<size_t>(std::max<int64_t>(n, 1)));
  parallelRange(static_cast<size_t>(outer), rowsPerPart, [&](size_t begin, size_t stop) {
    broadcastRows(p, a, b, out, f, static_cast<int64_t>(begin), static_cast<int64_t>(stop));
  }, 1);
}

static inline float maxNan(float a, float b) { return (a != a || b != b) ? NAN : (a > b ? a : b); }
static inline float minNan(float a, float b) { return (a != a || b != b) ? NAN : (a < b ? a : b); }

// binary(op, a, b, out): shapes in the scratch buffer as [rank, out dims, a dims, b dims].
static napi_value BinaryOp(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t an, bn, on;
  const int op = static_cast<int>(a.integer(0));
  const float* A = a.f32(1, &an);
  const float* B = a.f32(2, &bn);
  float* out = a.f32(3, &on);
  TL_CHECK(env, A && B && out, "binary expects Float32Arrays a, b, out");
  TL_CHECK(env, op >= 0 && op < B_COUNT, "binary: unknown op");
  BroadcastPlan p;
  TL_CHECK(env, planBroadcast(env, p, an, bn, on), "binary: shapes do not broadcast or arrays are too small");
  switch (op) {
    case B_ADD: broadcastLoop(p, A, B, out, [](float x, float y) { return x + y; }); break;
    case B_SUB: broadcastLoop(p, A, B, out, [](float x, float y) { return x - y; }); break;
    case B_MUL: broadcastLoop(p, A, B, out, [](float x, float y) { return x * y; }); break;
    case B_DIV: broadcastLoop(p, A, B, out, [](float x, float y) { return x / y; }); break;
    case B_MAX: broadcastLoop(p, A, B, out, [](float x, float y) { return maxNan(x, y); }); break;
    case B_MIN: broadcastLoop(p, A, B, out, [](float x, float y) { return minNan(x, y); }); break;
    case B_SQDIFF: broadcastLoop(p, A, B, out, [](float x, float y) { const float d = x - y; return d * d; }); break;
    case B_POW: broadcastLoop(p, A, B, out, [](float x, float y) { return static_cast<float>(std::pow(static_cast<double>(x), static_cast<double>(y))); }); break;
    case B_PRELU: broadcastLoop(p, A, B, out, [](float x, float y) { return x < 0.f ? y * x : x; }); break;
    // dy ⊙ step(x), as tfjs' Relu gradient computes it: NaN where x is NaN, and dy·0 (NaN for
    // an infinite dy) where x ≤ 0.
    case B_RELU_GRAD: broadcastLoop(p, A, B, out, [](float dy, float x) { return x > 0.f ? dy : (x != x ? x : dy * 0.f); }); break;
  }
  return nullptr;
}

// Integer arithmetic (int32 → int32, wrapping as a JavaScript Int32Array store does),
// comparisons (float32 or int32 → bool as 0/1 bytes) and logic (bool → bool).
static const char* const kIntOps[] = {"Add", "Sub", "Maximum", "Minimum"};
static const char* const kCompareOps[] = {"Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual"};
static const char* const kLogicalOps[] = {"LogicalAnd", "LogicalOr"};

static inline int32_t wrapAdd(int32_t x, int32_t y) { return static_cast<int32_t>(static_cast<uint32_t>(x) + static_cast<uint32_t>(y)); }
static inline int32_t wrapSub(int32_t x, int32_t y) { return static_cast<int32_t>(static_cast<uint32_t>(x) - static_cast<uint32_t>(y)); }

template <class T>
static bool compare(int op, const BroadcastPlan& p, const T* A, const T* B, uint8_t* out) {
  switch (op) {
    case 0: broadcastLoop(p, A, B, out, [](T x, T y) -> uint8_t { return x == y; }); return true;
    case 1: broadcastLoop(p, A, B, out, [](T x, T y) -> uint8_t { return x != y; }); return true;
    case 2: broadcastLoop(p, A, B, out, [](T x, T y) -> uint8_t { return x < y; }); return true;
    case 3: broadcastLoop(p, A, B, out, [](T x, T y) -> uint8_t { return x <= y; }); return true;
    case 4: broadcastLoop(p, A, B, out, [](T x, T y) -> uint8_t { return x > y; }); return true;
    case 5: broadcastLoop(p, A, B, out, [](T x, T y) -> uint8_t { return x >= y; }); return true;
  }
  return false;
}

// binaryTyped(family, op, a, b, out): family 0 = int ops on Int32Arrays, 1 = comparisons of two
// Float32Arrays or two Int32Arrays into a Uint8Array, 2 = logic on Uint8Arrays. Shapes as binary().
static napi_value BinaryTyped(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int family = static_cast<int>(a.integer(0));
  const int op = static_cast<int>(a.integer(1));
  size_t an = 0, bn = 0, on = 0;
  BroadcastPlan p;
  if (family == 0) {
    const int32_t* A = a.i32(2, &an);
    const int32_t* B = a.i32(3, &bn);
    int32_t* out = a.i32(4, &on);
    TL_CHECK(env, A && B && out, "binaryTyped: int ops take Int32Arrays");
    TL_CHECK(env, planBroadcast(env, p, an, bn, on), "binaryTyped: shapes do not broadcast or arrays are too small");
    switch (op) {
      case 0: broadcastLoop(p, A, B, out, [](int32_t x, int32_t y) { return wrapAdd(x, y); }); break;
      case 1: broadcastLoop(p, A, B, out, [](int32_t x, int32_t y) { return wrapSub(x, y); }); break;
      case 2: broadcastLoop(p, A, B, out, [](int32_t x, int32_t y) { return x > y ? x : y; }); break;
      case 3: broadcastLoop(p, A, B, out, [](int32_t x, int32_t y) { return x < y ? x : y; }); break;
      default: TL_CHECK(env, false, "binaryTyped: unknown int op");
    }
    return nullptr;
  }
  if (family == 1) {
    uint8_t* out = a.array<uint8_t>(4, napi_uint8_array, &on);
    TL_CHECK(env, out, "binaryTyped: comparisons write a Uint8Array");
    const float* Af = a.f32(2, &an);
    if (Af) {
      const float* Bf = a.f32(3, &bn);
      TL_CHECK(env, Bf, "binaryTyped: compare two Float32Arrays or two Int32Arrays");
      TL_CHECK(env, planBroadcast(env, p, an, bn, on), "binaryTyped: shapes do not broadcast or arrays are too small");
      TL_CHECK(env, compare(op, p, Af, Bf, out), "binaryTyped: unknown comparison");
      return nullptr;
    }
    const int32_t* Ai = a.i32(2, &an);
    const int32_t* Bi = a.i32(3, &bn);
    TL_CHECK(env, Ai && Bi, "binaryTyped: compare two Float32Arrays or two Int32Arrays");
    TL_CHECK(env, planBroadcast(env, p, an, bn, on), "binaryTyped: shapes do not broadcast or arrays are too small");
    TL_CHECK(env, compare(op, p, Ai, Bi, out), "binaryTyped: unknown comparison");
    return nullptr;
  }
  const uint8_t* A = a.array<uint8_t>(2, napi_uint8_array, &an);
  const uint8_t* B = a.array<uint8_t>(3, napi_uint8_array, &bn);
  uint8_t* out = a.array<uint8_t>(4, napi_uint8_array, &on);
  TL_CHECK(env, family == 2 && A && B && out, "binaryTyped: logic takes Uint8Arrays");
  TL_CHECK(env, planBroadcast(env, p, an, bn, on), "binaryTyped: shapes do not broadcast or arrays are too small");
  if (op == 0) broadcastLoop(p, A, B, out, [](uint8_t x, uint8_t y) -> uint8_t { return x && y; });
  else broadcastLoop(p, A, B, out, [](uint8_t x, uint8_t y) -> uint8_t { return x || y; });
  return nullptr;
}

void defineElementwise(napi_env env, napi_value exports) {
  defineFunction(env, exports, "binaryTyped", BinaryTyped);
  defineNameList(env, exports, "intOps", kIntOps, 4);
  defineNameList(env, exports, "compareOps", kCompareOps, 6);
  defineNameList(env, exports, "logicalOps", kLogicalOps, 2);
  defineFunction(env, exports, "unary", UnaryOp);
  defineFunction(env, exports, "binary", BinaryOp);
  defineNameList(env, exports, "unaryOps", kUnary, U_COUNT);
  defineNameList(env, exports, "binaryOps", kBinary, B_COUNT);
}

}  // namespace tl
