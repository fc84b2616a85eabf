// Products of small matrices (attention heads: 17×16 by 16×17) without BLAS. For products
// this small OpenBLAS's fixed cost per call (a work buffer taken under a lock, packing)
// outweighs the arithmetic, and two threads calling it at once queue on that lock: a batch
// of 512 such products ran slower on two threads than on one.
#include <algorithm>
#include <cstring>
#include "blas.h"
#include "common.h"
#include "vec8.h"

namespace tl {

namespace {

// A(i, p) of op(A).
inline float aAt(bool transA, const float* A, int lda, int i, int p) {
  return transA ? A[static_cast<size_t>(p) * lda + i] : A[static_cast<size_t>(i) * lda + p];
}

// C = op(A)·B, B [k][n] row-major. Blocks of R rows by 8 columns keep their sums in
// registers over the whole of k; columns past the last multiple of 8 are summed one by one.
template <int R>
inline void rowBlock(bool transA, int i, int n, int k, const float* A, int lda, const float* B, int ldb, float* C, int ldc) {
  int j = 0;
  for (; j + 8 <= n; j += 8) {
    v8 acc[R];
    for (int r = 0; r < R; r++) acc[r] = v8{};
    for (int p = 0; p < k; p++) {
      const v8 b = load8(B + static_cast<size_t>(p) * ldb + j);
      for (int r = 0; r < R; r++) acc[r] += aAt(transA, A, lda, i + r, p) * b;
    }
    for (int r = 0; r < R; r++) store8(C + static_cast<size_t>(i + r) * ldc + j, acc[r]);
  }
  for (; j < n; j++) {
    for (int r = 0; r < R; r++) {
      float sum = 0.f;
      for (int p = 0; p < k; p++) sum += aAt(transA, A, lda, i + r, p) * B[static_cast<size_t>(p) * ldb + j];
      C[static_cast<size_t>(i + r) * ldc + j] = sum;
    }
  }
}

TL_CLONES void smallGemmRows(bool transA, int m, int n, int k, const float* A, int lda, const float* B, int ldb, float* C,
                             int ldc) {
  int i = 0;
  for (; i + 4 <= m; i += 4) rowBlock<4>(transA, i, n, k, A, lda, B, ldb, C, ldc);
  for (; i < m; i++) rowBlock<1>(transA, i, n, k, A, lda, B, ldb, C, ldc);
}

}  // namespace

void smallGemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, const float* A, int lda, const float* B, int ldb,
               float* C, int ldc) {
  if (tb == CblasNoTrans) {
    smallGemmRows(ta == CblasTrans, m, n, k, A, lda, B, ldb, C, ldc);
    return;
  }
  // op(B) = Bᵀ copied out as [k][n], so that the inner loop reads rows of it.
  float bt[kSmallGemmMax * kSmallGemmMax];
  for (int j = 0; j < n; j++)
    for (int p = 0; p < k; p++) bt[p * n + j] = B[static_cast<size_t>(j) * ldb + p];
  smallGemmRows(ta == CblasTrans, m, n, k, A, lda, bt, n, C, ldc);
}

}  // namespace tl
