// ModLin of the Neural Interpreters, y = (x ⊙ m_u)·W + b on every function's stream, as one
// kernel forward and one backward. x is [B, U, T, in] (rows grouped by batch, function,
// token), m is [U, in], W [in, out], b [out]. Composed from tfjs ops this is six kernels
// forward and about fifteen backward, each a pass over the activations.
#include <algorithm>
#include <cstring>
#include <vector>
#include "common.h"
#include "blas.h"
#include "parallel.h"

namespace tl {

// Sizes arrive as JS numbers: each must be a count BLAS can take (0 ≤ n < 2^31).
static bool sizesFit(const Args& a, size_t first, size_t count) {
  for (size_t i = first; i < first + count; i++) {
    const int64_t v = a.integer(i);
    if (v < 0 || v >= (int64_t{1} << 31)) return false;
  }
  return true;
}

// xs = x ⊙ m for rows [first, last), the modulation row of row r being (r / tokens) mod functions.
TL_CLONES static void modulateRows(const float* x, const float* m, float* xs, size_t first, size_t last, size_t in, size_t tokens,
                                   size_t functions) {
  for (size_t r = first; r < last; r++) {
    const float* mr = m + ((r / tokens) % functions) * in;
    const float* xr = x + r * in;
    float* o = xs + r * in;
    for (size_t i = 0; i < in; i++) o[i] = xr[i] * mr[i];
  }
}

static size_t rowsPerPart(size_t width) { return std::max<size_t>(1, kParallelElements / std::max<size_t>(width, 1)); }

static void modulate(const float* x, const float* m, float* xs, size_t rows, size_t in, size_t tokens, size_t functions) {
  parallelRange(rows, rowsPerPart(in), [&](size_t b, size_t e) { modulateRows(x, m, xs, b, e, in, tokens, functions); }, 1);
}

// modulatedLinear(x, m, W, b, out, scratch, rows, in, outDim, tokens, functions); scratch holds rows × in floats.
static napi_value ModulatedLinear(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t xn, mn, wn, bn, on, sn;
  const float* x = a.f32(0, &xn);
  const float* m = a.f32(1, &mn);
  const float* W = a.f32(2, &wn);
  const float* b = a.f32(3, &bn);
  float* out = a.f32(4, &on);
  float* xs = a.f32(5, &sn);
  TL_CHECK(env, sizesFit(a, 6, 5), "modulatedLinear: sizes must be counts below 2^31");
  const size_t rows = a.integer(6), in = a.integer(7), outDim = a.integer(8), tokens = a.integer(9), functions = a.integer(10);
  TL_CHECK(env, x && m && W && b && out && xs && tokens > 0 && functions > 0, "modulatedLinear: Float32Arrays and sizes expected");
  TL_CHECK(env, xn >= rows * in && sn >= rows * in && mn >= functions * in && wn >= in * outDim && bn >= outDim && on >= rows * outDim,
           "modulatedLinear: arrays are smaller than their shapes");
  if (rows == 0 || outDim == 0) return nullptr;
  modulate(x, m, xs, rows, in, tokens, functions);
  if (in == 0) std::memset(out, 0, sizeof(float) * rows * outDim);
  else sgemm(CblasNoTrans, CblasNoTrans, rows, outDim, in, xs, in, W, outDim, out, outDim);
  parallelRange(rows, rowsPerPart(outDim), [&](size_t first, size_t last) {
    for (size_t r = first; r < last; r++)
      for (size_t o = 0; o < outDim; o++) out[r * outDim + o] += b[o];
  }, 1);
  return nullptr;
}

// modulatedLinearGrad(dy, x, m, W, dx, dm, dW, db, scratch, rows, in, outDim, tokens, functions):
//   dxs = dy·Wᵀ,  dx = dxs ⊙ m,  dm_u = Σ_{rows of u} dxs ⊙ x,  dW = (x ⊙ m)ᵀ·dy,  db = Σ_rows dy.
static napi_value ModulatedLinearGrad(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t dyn, xn, mn, wn, dxn, dmn, dwn, dbn, sn;
  const float* dy = a.f32(0, &dyn);
  const float* x = a.f32(1, &xn);
  const float* m = a.f32(2, &mn);
  const float* W = a.f32(3, &wn);
  float* dx = a.f32(4, &dxn);
  float* dm = a.f32(5, &dmn);
  float* dW = a.f32(6, &dwn);
  float* db = a.f32(7, &dbn);
  float* xs = a.f32(8, &sn);
  TL_CHECK(env, sizesFit(a, 9, 5), "modulatedLinearGrad: sizes must be counts below 2^31");
  const size_t rows = a.integer(9), in = a.integer(10), outDim = a.integer(11), tokens = a.integer(12), functions = a.integer(13);
  TL_CHECK(env, dy && x && m && W && dx && dm && dW && db && xs && tokens > 0 && functions > 0,
           "modulatedLinearGrad: Float32Arrays and sizes expected");
  TL_CHECK(env, dyn >= rows * outDim && xn >= rows * in && mn >= functions * in && wn >= in * outDim && dxn >= rows * in &&
                    dmn >= functions * in && dwn >= in * outDim && dbn >= outDim && sn >= rows * in,
           "modulatedLinearGrad: arrays are smaller than their shapes");
  // dxs into dx, then dm from it, then dx ⊙= m in place.
  if (rows > 0 && in > 0) {
    if (outDim == 0) std::memset(dx, 0, sizeof(float) * rows * in);
    else sgemm(CblasNoTrans, CblasTrans, rows, in, outDim, dy, outDim, W, outDim, dx, in);
  }
  // dm and db are sums over rows: one double partial per part, added in part order.
  const size_t parts = partsFor(rows, rowsPerPart(in));
  std::vector<double> dmAcc(parts * functions * in, 0.0);
  forParts(rows, parts, [&](size_t part, size_t first, size_t last) {
    double* accPart = dmAcc.data() + part * functions * in;
    for (size_t r = first; r < last; r++) {
      const size_t u = (r / tokens) % functions;
      const float* mr = m + u * in;
      const float* xr = x + r * in;
      float* dr = dx + r * in;
      double* acc = accPart + u * in;
      for (size_t i = 0; i < in; i++) {
        acc[i] += static_cast<double>(dr[i]) * xr[i];
        dr[i] *= mr[i];
      }
    }
  }, 1);
  for (size_t i = 0; i < functions * in; i++) {
    double total = 0;
    for (size_t part = 0; part < parts; part++) total += dmAcc[part * functions * in + i];
    dm[i] = static_cast<float>(total);
  }
  if (rows == 0 || in == 0 || outDim == 0) {
    std::memset(dW, 0, sizeof(float) * in * outDim);
  } else {
    modulate(x, m, xs, rows, in, tokens, functions);
    sgemm(CblasTrans, CblasNoTrans, in, outDim, rows, xs, in, dy, outDim, dW, outDim);
  }
  const size_t dbParts = partsFor(rows, rowsPerPart(outDim));
  std::vector<double> dbAcc(dbParts * outDim, 0.0);
  forParts(rows, dbParts, [&](size_t part, size_t first, size_t last) {
    double* acc = dbAcc.data() + part * outDim;
    for (size_t r = first; r < last; r++)
      for (size_t o = 0; o < outDim; o++) acc[o] += dy[r * outDim + o];
  }, 1);
  for (size_t o = 0; o < outDim; o++) {
    double total = 0;
    for (size_t part = 0; part < dbParts; part++) total += dbAcc[part * outDim + o];
    db[o] = static_cast<float>(total);
  }
  return nullptr;
}

void defineModulatedLinear(napi_env env, napi_value exports) {
  defineFunction(env, exports, "modulatedLinear", ModulatedLinear);
  defineFunction(env, exports, "modulatedLinearGrad", ModulatedLinearGrad);
}

}  // namespace tl
