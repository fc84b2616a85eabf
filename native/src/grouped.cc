// Matrix products over groups of rows (the experts of a sparse mixture), each group with its
// own weights, spread over threads by groups: each group's product is small (tens of rows),
// where splitting one product across cores gains little, while two cores working on
// different experts both run at full speed.
#include <algorithm>
#include <cstring>
#include <vector>
#include "common.h"
#include "blas.h"
#include "activation.h"

namespace tl {

enum GroupMode { ROWS_TIMES_W = 0, ROWS_TIMES_WT = 1, ROWST_TIMES_ROWS = 2 };

struct GroupedProblem {
  const float* a;
  const float* b;
  float* c;
  const int32_t* sizes;
  size_t groups, k, n;
  int mode;
  const float* bias;  // [groups, n] for ROWS_TIMES_W, or null
  int act;
  float alpha;
};

// One group's product on the calling thread: expert inputs are often pixels, mostly zeros,
// which the sparse kernel skips (sparseGemm.cc); dense ones go to BLAS.
static void groupProduct(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, const float* A, int lda, const float* B,
                         int ldb, float* C, int ldc) {
  if (sparseLeftGemm(ta, tb, m, n, k, A, lda, B, ldb, C, ldc)) return;
  cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.f, A, lda, B, ldb, 0.f, C, ldc);
}

// Runs groups [first, last) of the problem on the calling thread.
static void runGroups(const GroupedProblem& p, size_t first, size_t last, const size_t* rowStart) {
  for (size_t g = first; g < last; g++) {
    const int rows = p.sizes[g];
    const size_t r0 = rowStart[g];
    if (p.mode == ROWST_TIMES_ROWS) {
      // c[g] (k × n) = a[rows]ᵀ (a rows are k wide) · b[rows] (n wide)
      float* cg = p.c + g * p.k * p.n;
      if (rows == 0) std::memset(cg, 0, sizeof(float) * p.k * p.n);
      else groupProduct(CblasTrans, CblasNoTrans, p.k, p.n, rows, p.a + r0 * p.k, p.k, p.b + r0 * p.n, p.n, cg, p.n);
      continue;
    }
    if (rows == 0) continue;
    const float* bg = p.b + g * p.k * p.n;
    float* cg = p.c + r0 * p.n;
    if (p.mode == ROWS_TIMES_W) groupProduct(CblasNoTrans, CblasNoTrans, rows, p.n, p.k, p.a + r0 * p.k, p.k, bg, p.n, cg, p.n);
    else groupProduct(CblasNoTrans, CblasTrans, rows, p.n, p.k, p.a + r0 * p.k, p.k, bg, p.k, cg, p.n);
    if (p.bias) {
      const float* bias = p.bias + g * p.n;
      for (int r = 0; r < rows; r++)
        for (size_t j = 0; j < p.n; j++) cg[r * p.n + j] += bias[j];
    }
    if (p.act != ACT_LINEAR) activateInPlace(cg, static_cast<size_t>(rows) * p.n, p.act, p.alpha);
  }
}

// groupedGemm(a, b, c, sizes, mode, k, n, bias|null, act, alpha), groups spread over the pool
//   mode 0: c[rows of g] = a[rows of g] (·, k) · b[g] (k, n)  (+ bias[g], then act)
//   mode 1: c[rows of g] = a[rows of g] (·, k) · b[g]ᵀ (b[g] is n × k)
//   mode 2: c[g] (k, n)  = a[rows of g]ᵀ (·, k) · b[rows of g] (·, n)
static napi_value GroupedGemm(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t an, bn, cn, sn, biasn = 0;
  GroupedProblem p{};
  p.a = a.f32(0, &an);
  p.b = a.f32(1, &bn);
  p.c = a.f32(2, &cn);
  p.sizes = a.i32(3, &sn);
  p.mode = static_cast<int>(a.integer(4));
  const int64_t k = a.integer(5), n = a.integer(6);
  p.bias = a.isNullish(7) ? nullptr : a.f32(7, &biasn);
  p.act = static_cast<int>(a.integer(8));
  p.alpha = static_cast<float>(a.num(9));
  TL_CHECK(env, p.a && p.b && p.c && p.sizes, "groupedGemm: Float32Arrays a, b, c and an Int32Array of sizes expected");
  TL_CHECK(env, p.mode >= 0 && p.mode <= 2 && k >= 0 && n >= 0 && k < (int64_t{1} << 31) && n < (int64_t{1} << 31), "groupedGemm: bad mode or sizes");
  TL_CHECK(env, p.act >= 0 && p.act < ACT_COUNT && (!p.bias || p.mode == ROWS_TIMES_W), "groupedGemm: bias and activation only in mode 0");
  p.groups = sn;
  p.k = static_cast<size_t>(k);
  p.n = static_cast<size_t>(n);
  std::vector<size_t> rowStart(p.groups + 1, 0);
  for (size_t g = 0; g < p.groups; g++) {
    TL_CHECK(env, p.sizes[g] >= 0, "groupedGemm: negative group size");
    rowStart[g + 1] = rowStart[g] + static_cast<size_t>(p.sizes[g]);
  }
  const size_t rows = rowStart[p.groups];
  TL_CHECK(env, an >= rows * p.k, "groupedGemm: a is smaller than its rows");
  if (p.mode == ROWST_TIMES_ROWS) TL_CHECK(env, bn >= rows * p.n && cn >= p.groups * p.k * p.n, "groupedGemm: b or c is too small");
  else TL_CHECK(env, bn >= p.groups * p.k * p.n && cn >= rows * p.n, "groupedGemm: b or c is too small");
  TL_CHECK(env, !p.bias || biasn >= p.groups * p.n, "groupedGemm: bias needs one row per group");

  // Each group's product on one thread; the groups are claimed one by one by the pool's
  // threads (each group writes its own rows of c, so the order does not matter).
  blasSingleThreaded();
  parallelTasks(static_cast<int>(p.groups), [&](int g) { runGroups(p, g, g + 1, rowStart.data()); });
  return nullptr;
}

// reluGradInPlace(grad, activations): grad ⊙ relu'(pre), from the ReLU's outputs: kept where
// the activation is positive, 0 elsewhere, NaN where the activation is NaN.
static napi_value ReluGradInPlace(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t gn, hn;
  float* grad = a.f32(0, &gn);
  const float* h = a.f32(1, &hn);
  TL_CHECK(env, grad && h && hn >= gn, "reluGradInPlace expects Float32Arrays grad and activations of one length");
  for (size_t i = 0; i < gn; i++) grad[i] = h[i] > 0.f ? grad[i] : (h[i] != h[i] ? h[i] : 0.f);
  return nullptr;
}

void defineGrouped(napi_env env, napi_value exports) {
  defineFunction(env, exports, "groupedGemm", GroupedGemm);
  defineFunction(env, exports, "reluGradInPlace", ReluGradInPlace);
}

}  // namespace tl
