// LayerNorm and exact GELU as single passes, forward and backward. Composed from tfjs ops
// each is 5–10 kernels forward and more backward, every one a pass over the activations;
// here each is one pass (two for LayerNorm's backward), and statistics are summed in double.
#include <algorithm>
#include <cmath>
#include <vector>
#include "common.h"
#include "fastmath.h"
#include "parallel.h"

namespace tl {

// Mean and 1/sqrt(biased variance + eps) of one row, as torch's layer_norm. Eight float
// lanes per sum keep the loops vectorised; rows here are short (model widths), where
// float partial sums lose nothing measurable against double.
static inline void rowStats(const float* x, size_t cols, float eps, float* mean, float* rstd) {
  float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t c = 0;
  for (; c + 8 <= cols; c += 8)
    for (int l = 0; l < 8; l++) lanes[l] += x[c + l];
  double sum = 0;
  for (int l = 0; l < 8; l++) sum += lanes[l];
  for (; c < cols; c++) sum += x[c];
  const float mu = static_cast<float>(sum / static_cast<double>(cols));
  float sq[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  c = 0;
  for (; c + 8 <= cols; c += 8)
    for (int l = 0; l < 8; l++) {
      const float d = x[c + l] - mu;
      sq[l] += d * d;
    }
  double var = 0;
  for (int l = 0; l < 8; l++) var += sq[l];
  for (; c < cols; c++) var += static_cast<double>(x[c] - mu) * (x[c] - mu);
  *mean = mu;
  *rstd = static_cast<float>(1.0 / std::sqrt(var / static_cast<double>(cols) + eps));
}

TL_CLONES static void layerNormRows(const float* x, const float* gamma, const float* beta, float* out, size_t rows, size_t cols,
                                      float eps) {
  for (size_t r = 0; r < rows; r++) {
    const float* xr = x + r * cols;
    float* yr = out + r * cols;
    float mean, rstd;
    rowStats(xr, cols, eps, &mean, &rstd);
    for (size_t c = 0; c < cols; c++) {
      float y = (xr[c] - mean) * rstd;
      if (gamma) y *= gamma[c];
      if (beta) y += beta[c];
      yr[c] = y;
    }
  }
}

// Rows per thread worth splitting a row-wise kernel for.
static size_t rowsPerPart(size_t cols) { return std::max<size_t>(1, kParallelElements / std::max<size_t>(cols, 1)); }

// layerNorm(x, gamma|null, beta|null, out, rows, cols, eps): over the last axis.
static napi_value LayerNorm(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t xn, gn = 0, bn = 0, on;
  const float* x = a.f32(0, &xn);
  const float* gamma = a.isNullish(1) ? nullptr : a.f32(1, &gn);
  const float* beta = a.isNullish(2) ? nullptr : a.f32(2, &bn);
  float* out = a.f32(3, &on);
  const size_t rows = static_cast<size_t>(a.integer(4)), cols = static_cast<size_t>(a.integer(5));
  const float eps = static_cast<float>(a.num(6));
  TL_CHECK(env, x && out && xn >= rows * cols && on >= rows * cols, "layerNorm: arrays are smaller than rows × cols");
  TL_CHECK(env, (!gamma || gn >= cols) && (!beta || bn >= cols), "layerNorm: gamma and beta need one value per column");
  parallelRange(rows, rowsPerPart(cols), [&](size_t begin, size_t end) {
    layerNormRows(x + begin * cols, gamma, beta, out + begin * cols, end - begin, cols, eps);
  }, 1);
  return nullptr;
}

// One row of LayerNorm's backward; Affine: with γ (and the dγ, dβ sums over rows). The
// outputs never overlap each other or the inputs; saying so lets the last loop vectorise.
template <bool Affine>
static inline void layerNormGradRow(const float* __restrict xr, const float* __restrict dyr, const float* __restrict gamma,
                                    float* __restrict dxr, float* __restrict dgamma, float* __restrict dbeta, size_t cols, float eps) {
  float mean, rstd;
  rowStats(xr, cols, eps, &mean, &rstd);
  float sumG[8] = {0, 0, 0, 0, 0, 0, 0, 0}, sumGX[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t c = 0;
  for (; c + 8 <= cols; c += 8)
    for (int l = 0; l < 8; l++) {
      const float xhat = (xr[c + l] - mean) * rstd;
      const float g = Affine ? dyr[c + l] * gamma[c + l] : dyr[c + l];
      sumG[l] += g;
      sumGX[l] += g * xhat;
    }
  double totalG = 0, totalGX = 0;
  for (int l = 0; l < 8; l++) {
    totalG += sumG[l];
    totalGX += sumGX[l];
  }
  for (; c < cols; c++) {
    const float xhat = (xr[c] - mean) * rstd;
    const float g = Affine ? dyr[c] * gamma[c] : dyr[c];
    totalG += g;
    totalGX += static_cast<double>(g) * xhat;
  }
  const float meanG = static_cast<float>(totalG / static_cast<double>(cols));
  const float meanGX = static_cast<float>(totalGX / static_cast<double>(cols));
  for (c = 0; c < cols; c++) {
    const float xhat = (xr[c] - mean) * rstd;
    const float g = Affine ? dyr[c] * gamma[c] : dyr[c];
    dxr[c] = rstd * (g - meanG - xhat * meanGX);
    if (Affine) {
      dgamma[c] += dyr[c] * xhat;
      dbeta[c] += dyr[c];
    }
  }
}

TL_CLONES static void layerNormGradRows(const float* dy, const float* x, const float* gamma, float* dx, float* dgamma, float* dbeta,
                                        size_t rows, size_t cols, float eps) {
  if (gamma) {
    for (size_t c = 0; c < cols; c++) dgamma[c] = dbeta[c] = 0.f;
    for (size_t r = 0; r < rows; r++) layerNormGradRow<true>(x + r * cols, dy + r * cols, gamma, dx + r * cols, dgamma, dbeta, cols, eps);
  } else {
    for (size_t r = 0; r < rows; r++) layerNormGradRow<false>(x + r * cols, dy + r * cols, nullptr, dx + r * cols, nullptr, nullptr, cols, eps);
  }
}

// layerNormGrad(dy, x, gamma|null, dx, dgamma|null, dbeta|null, rows, cols, eps):
//   x̂ = (x − μ)·r, g = dy·γ,  dx = r·(g − mean(g) − x̂·mean(g·x̂)),  dγ = Σ_rows dy·x̂,  dβ = Σ_rows dy.
static napi_value LayerNormGrad(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t dyn, xn, gn = 0, dxn, dgn = 0, dbn = 0;
  const float* dy = a.f32(0, &dyn);
  const float* x = a.f32(1, &xn);
  const float* gamma = a.isNullish(2) ? nullptr : a.f32(2, &gn);
  float* dx = a.f32(3, &dxn);
  float* dgamma = a.isNullish(4) ? nullptr : a.f32(4, &dgn);
  float* dbeta = a.isNullish(5) ? nullptr : a.f32(5, &dbn);
  const size_t rows = static_cast<size_t>(a.integer(6)), cols = static_cast<size_t>(a.integer(7));
  const float eps = static_cast<float>(a.num(8));
  const size_t n = rows * cols;
  TL_CHECK(env, dy && x && dx && dyn >= n && xn >= n && dxn >= n, "layerNormGrad: arrays are smaller than rows × cols");
  TL_CHECK(env, (!gamma || gn >= cols) && (!dgamma || dgn >= cols) && (!dbeta || dbn >= cols), "layerNormGrad: per-column arrays are too short");
  TL_CHECK(env, !gamma || (dgamma && dbeta), "layerNormGrad: with gamma, dgamma and dbeta are needed");
  // dγ and dβ are sums over rows: one partial pair per part, added in part order.
  const size_t parts = partsFor(rows, rowsPerPart(cols));
  std::vector<float> partial(gamma && parts > 1 ? parts * 2 * cols : 0);
  forParts(rows, parts, [&](size_t part, size_t begin, size_t end) {
    float* dg = parts > 1 && gamma ? partial.data() + part * 2 * cols : dgamma;
    float* dbt = parts > 1 && gamma ? dg + cols : dbeta;
    layerNormGradRows(dy + begin * cols, x + begin * cols, gamma, dx + begin * cols, dg, dbt, end - begin, cols, eps);
  }, 1);
  if (gamma && parts > 1) {
    for (size_t c = 0; c < cols; c++) {
      float g = 0.f, b = 0.f;
      for (size_t part = 0; part < parts; part++) {
        g += partial[part * 2 * cols + c];
        b += partial[part * 2 * cols + cols + c];
      }
      dgamma[c] = g;
      dbeta[c] = b;
    }
  }
  return nullptr;
}

static constexpr float kSqrtHalf = 0.70710678118654752f;
static constexpr float kInvSqrt2Pi = 0.39894228040143268f;

// gelu(x, out): x·Φ(x) with Φ(x) = (1 + erf(x/√2))/2, PyTorch's exact nn.GELU().
TL_CLONES static void geluLoop(const float* x, float* out, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = 0.5f * x[i] * (1.f + fastErf(x[i] * kSqrtHalf));
}

TL_CLONES static void geluGradLoop(const float* dy, const float* x, float* dx, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const float v = x[i];
    const float cdf = 0.5f * (1.f + fastErf(v * kSqrtHalf));
    const float pdf = kInvSqrt2Pi * fastExp(-0.5f * v * v);
    dx[i] = dy[i] * (cdf + v * pdf);
  }
}

static napi_value Gelu(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t xn, on;
  const float* x = a.f32(0, &xn);
  float* out = a.f32(1, &on);
  TL_CHECK(env, x && out && on >= xn, "gelu expects Float32Arrays x and out of x's length");
  parallelRange(xn, kParallelElements, [&](size_t b, size_t e) { geluLoop(x + b, out + b, e - b); });
  return nullptr;
}

// geluGrad(dy, x, dx): dx = dy·(Φ(x) + x·φ(x)), φ the standard normal density.
static napi_value GeluGrad(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t dyn, xn, on;
  const float* dy = a.f32(0, &dyn);
  const float* x = a.f32(1, &xn);
  float* dx = a.f32(2, &on);
  TL_CHECK(env, dy && x && dx && dyn >= xn && on >= xn, "geluGrad expects Float32Arrays dy, x and dx of one length");
  parallelRange(xn, kParallelElements, [&](size_t b, size_t e) { geluGradLoop(dy + b, x + b, dx + b, e - b); });
  return nullptr;
}

void defineNormalization(napi_env env, napi_value exports) {
  defineFunction(env, exports, "layerNorm", LayerNorm);
  defineFunction(env, exports, "layerNormGrad", LayerNormGrad);
  defineFunction(env, exports, "gelu", Gelu);
  defineFunction(env, exports, "geluGrad", GeluGrad);
}

}  // namespace tl
