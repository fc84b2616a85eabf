// Batched matrix products through BLAS sgemm. Transposed operands are passed to BLAS as
// transposed, never copied; a batch-broadcast right operand folds the batch into rows.
#include <algorithm>
#include <cstring>
#include "common.h"
#include "blas.h"
#include "activation.h"
#include "parallel.h"

namespace tl {

static const char* const kActivations[] = {"linear", "relu", "relu6", "elu", "sigmoid", "leakyrelu"};

void activateInPlace(float* x, size_t n, int act, float alpha) {
  switch (act) {
    case ACT_RELU:
      for (size_t i = 0; i < n; i++) x[i] = reluf(x[i]);
      break;
    case ACT_RELU6:
      for (size_t i = 0; i < n; i++) x[i] = relu6f(x[i]);
      break;
    case ACT_ELU:
      for (size_t i = 0; i < n; i++) x[i] = eluf(x[i]);
      break;
    case ACT_SIGMOID:
      for (size_t i = 0; i < n; i++) x[i] = sigmoidf(x[i]);
      break;
    case ACT_LEAKYRELU:
      for (size_t i = 0; i < n; i++) x[i] = leakyf(x[i], alpha);
      break;
    default:
      break;
  }
}

enum BiasMode { BIAS_NONE = 0, BIAS_COLUMNS, BIAS_SCALAR, BIAS_MATRIX, BIAS_FULL };

// Bias then activation over rows [first, last) of C, each row while it is in cache.
static void epilogue(float* C, size_t first, size_t last, size_t cols, size_t m, const float* bias, int biasMode, int act, float alpha) {
  for (size_t r = first; r < last; r++) {
    float* row = C + r * cols;
    switch (biasMode) {
      case BIAS_COLUMNS:
        for (size_t c = 0; c < cols; c++) row[c] += bias[c];
        break;
      case BIAS_SCALAR: {
        const float s = bias[0];
        for (size_t c = 0; c < cols; c++) row[c] += s;
        break;
      }
      case BIAS_MATRIX: {
        const float* br = bias + (r % m) * cols;
        for (size_t c = 0; c < cols; c++) row[c] += br[c];
        break;
      }
      case BIAS_FULL: {
        const float* br = bias + r * cols;
        for (size_t c = 0; c < cols; c++) row[c] += br[c];
        break;
      }
      default:
        break;
    }
    if (act != ACT_LINEAR) activateInPlace(row, cols, act, alpha);
  }
}

// out[b] = op(A[b]) · op(B[b]) (+ bias, then activation) for b < batch.
// matmul(a, b, out, batch, aBatch, bBatch, m, n, k, transA, transB, bias?, biasMode, act, alpha)
static napi_value Matmul(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t aLen, bLen, outLen, biasLen = 0;
  const float* A = a.f32(0, &aLen);
  const float* B = a.f32(1, &bLen);
  float* C = a.f32(2, &outLen);
  TL_CHECK(env, A && B && C, "matmul expects Float32Arrays a, b, out");
  const int64_t batch = a.integer(3), aBatch = a.integer(4), bBatch = a.integer(5);
  const int64_t m = a.integer(6), n = a.integer(7), k = a.integer(8);
  const bool transA = a.integer(9) != 0, transB = a.integer(10) != 0;
  const float* bias = a.isNullish(11) ? nullptr : a.f32(11, &biasLen);
  const int biasMode = bias ? static_cast<int>(a.integer(12)) : BIAS_NONE;
  const int act = static_cast<int>(a.integer(13));
  const float alpha = static_cast<float>(a.num(14));
  TL_CHECK(env, batch >= 1 && m >= 0 && n >= 0 && k >= 0, "matmul: bad sizes");
  TL_CHECK(env, (aBatch == 1 || aBatch == batch) && (bBatch == 1 || bBatch == batch), "matmul: batch must broadcast");
  TL_CHECK(env, aLen >= static_cast<size_t>(aBatch * m * k) && bLen >= static_cast<size_t>(bBatch * k * n) &&
                    outLen >= static_cast<size_t>(batch * m * n),
           "matmul: arrays are smaller than their shapes");
  const size_t mn = static_cast<size_t>(m * n);
  const size_t needBias[] = {0, static_cast<size_t>(n), 1, mn, static_cast<size_t>(batch) * mn};
  TL_CHECK(env, biasMode >= BIAS_NONE && biasMode <= BIAS_FULL && biasLen >= needBias[biasMode], "matmul: bias does not fit");
  TL_CHECK(env, act >= 0 && act < ACT_COUNT, "matmul: unknown activation");

  if (m == 0 || n == 0) return nullptr;
  if (k == 0) {
    std::memset(C, 0, sizeof(float) * batch * mn);
  } else {
    const CBLAS_TRANSPOSE ta = transA ? CblasTrans : CblasNoTrans;
    const CBLAS_TRANSPOSE tb = transB ? CblasTrans : CblasNoTrans;
    const int lda = static_cast<int>(transA ? m : k), ldb = static_cast<int>(transB ? k : n);
    if (batch > 1 && bBatch == 1 && aBatch == batch && !transA) {
      // [batch, m, k] rows are one [batch·m, k] matrix when B is shared.
      sgemm(ta, tb, static_cast<int>(batch * m), static_cast<int>(n), static_cast<int>(k), A, lda, B, ldb, C,
            static_cast<int>(n));
    } else {
      // Many small products (attention heads) are shared out by batch item; a few large ones
      // are each split by sgemm itself.
      const size_t itemsPerPart = std::max<size_t>(1, static_cast<size_t>(kParallelGemmWork / std::max(1.0, static_cast<double>(m) * n * k)));
      parallelRange(static_cast<size_t>(batch), itemsPerPart, [&](size_t first, size_t last) {
        for (int64_t i = static_cast<int64_t>(first); i < static_cast<int64_t>(last); i++) {
          const float* Ai = A + (aBatch == 1 ? 0 : i) * m * k;
          const float* Bi = B + (bBatch == 1 ? 0 : i) * k * n;
          sgemm(ta, tb, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), Ai, lda, Bi, ldb, C + i * mn,
                static_cast<int>(n));
        }
      }, 1);
    }
  }
  const size_t rows = static_cast<size_t>(batch * m), cols = static_cast<size_t>(n);
  if (biasMode == BIAS_NONE && act == ACT_LINEAR) return nullptr;
  parallelRange(rows, std::max<size_t>(1, kParallelElements / std::max<size_t>(cols, 1)), [&](size_t first, size_t last) {
    epilogue(C, first, last, cols, static_cast<size_t>(m), bias, biasMode, act, alpha);
  }, 1);
  return nullptr;
}

void defineMatmul(napi_env env, napi_value exports) {
  defineFunction(env, exports, "matmul", Matmul);
  defineNameList(env, exports, "activations", kActivations, ACT_COUNT);
}

}  // namespace tl
