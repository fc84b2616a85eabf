// ModLin of the Neural Interpreters, y = (x ⊙ m_u)·W + b on every function's stream, as one
// kernel forward and one backward. x is [B, U, T, in] (rows grouped by batch, function,
// token), m is [U, in], W [in, out], b [out]. Composed from tfjs ops this is six kernels
// forward and about fifteen backward, each a pass over the activations.
#include <cstring>
#include <vector>
#include "common.h"
#include "blas.h"

namespace tl {

// Sizes arrive as JS numbers: each must be a count BLAS can take (0 ≤ n < 2^31).
static bool sizesFit(const Args& a, size_t first, size_t count) {
  for (size_t i = first; i < first + count; i++) {
    const int64_t v = a.integer(i);
    if (v < 0 || v >= (int64_t{1} << 31)) return false;
  }
  return true;
}

// xs = x ⊙ m, the modulation row of row r being (r / tokens) mod functions.
TL_CLONES static void modulate(const float* x, const float* m, float* xs, size_t rows, size_t in, size_t tokens, size_t functions) {
  for (size_t r = 0; r < rows; r++) {
    const float* mr = m + ((r / tokens) % functions) * in;
    const float* xr = x + r * in;
    float* o = xs + r * in;
    for (size_t i = 0; i < in; i++) o[i] = xr[i] * mr[i];
  }
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
  for (size_t r = 0; r < rows; r++)
    for (size_t o = 0; o < outDim; o++) out[r * outDim + o] += b[o];
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
  std::vector<double> dmAcc(functions * in, 0.0);
  for (size_t r = 0; r < rows; r++) {
    const size_t u = (r / tokens) % functions;
    const float* mr = m + u * in;
    const float* xr = x + r * in;
    float* dr = dx + r * in;
    double* acc = dmAcc.data() + u * in;
    for (size_t i = 0; i < in; i++) {
      acc[i] += static_cast<double>(dr[i]) * xr[i];
      dr[i] *= mr[i];
    }
  }
  for (size_t i = 0; i < functions * in; i++) dm[i] = static_cast<float>(dmAcc[i]);
  if (rows == 0 || in == 0 || outDim == 0) {
    std::memset(dW, 0, sizeof(float) * in * outDim);
  } else {
    modulate(x, m, xs, rows, in, tokens, functions);
    sgemm(CblasTrans, CblasNoTrans, in, outDim, rows, xs, in, dy, outDim, dW, outDim);
  }
  std::vector<double> dbAcc(outDim, 0.0);
  for (size_t r = 0; r < rows; r++)
    for (size_t o = 0; o < outDim; o++) dbAcc[o] += dy[r * outDim + o];
  for (size_t o = 0; o < outDim; o++) db[o] = static_cast<float>(dbAcc[o]);
  return nullptr;
}

void defineModulatedLinear(napi_env env, napi_value exports) {
  defineFunction(env, exports, "modulatedLinear", ModulatedLinear);
  defineFunction(env, exports, "modulatedLinearGrad", ModulatedLinearGrad);
}

}  // namespace tl
