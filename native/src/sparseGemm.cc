// Products whose left operand is mostly zeros: image pixels (MNIST's are 81% zero), one-hot
// codes, ReLU outputs. BLAS multiplies every zero; here only the indices p of k where op(A)
// holds a nonzero are multiplied. Output rows go in blocks of two, so each row of B read
// from cache serves both, and a block multiplies the union of its rows' nonzeros (MNIST: 29%
// of k for two images, 19% for one). It runs at about two thirds of BLAS's FLOP rate: on
// MNIST a product takes 0.45 of BLAS's time; where nonzeros fall at random it breaks even
// near 30% nonzero.
//
// Skipping a zero changes a result only where B holds an infinity or NaN (0·∞ is NaN).
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <vector>
#include "blas.h"
#include "common.h"
#include "vec8.h"

namespace tl {

namespace {

// Output rows per block and 8-float column vectors per pass: 2×4 keeps eight accumulators in
// registers, enough to cover the multiply-add latency (twelve leave too few registers for the
// loads of B). Measured on MNIST, 2×4 beat 1×8 (each row of B read serves two rows of C),
// 4×2 and 4×3 (the union of four images' pixels is twice one image's).
constexpr int kBlockRows = 2, kBlockVectors = 4;
// The left operand goes sparse when at most this share of a sample of it is nonzero: at 20%
// random nonzeros a product takes 0.75 of BLAS's time, at 30% as long.
constexpr double kMaxDensity = 0.25;

// One block of R output rows: `count` indices p into k that hold a nonzero in some row of the
// block, and their values packed R by R: a[t*R + r] = op(A)(row r, idx[t]), 0 past the block's
// last row.
struct PackedBlock {
  const int* idx;
  const float* a;
  int count;
};

// Columns [j, n) one by one.
template <int R>
inline void columnTail(const PackedBlock& blk, int rows, int j, int n, const float* B, int ldb, float* C, int ldc) {
  for (; j < n; j++) {
    float sum[R] = {};
    for (int t = 0; t < blk.count; t++) {
      const float b = B[static_cast<size_t>(blk.idx[t]) * ldb + j];
      for (int r = 0; r < R; r++) sum[r] += blk.a[t * R + r] * b;
    }
    for (int r = 0; r < rows; r++) C[static_cast<size_t>(r) * ldc + j] = sum[r];
  }
}

// Baseline x86-64 (and other CPUs): eight columns at a time, multiply then add.
template <int R>
void multiplyBlockBaseline(const PackedBlock& blk, int rows, int n, const float* B, int ldb, float* C, int ldc) {
  int j = 0;
  const int count = blk.count;
  const int* idx = blk.idx;
  const float* a = blk.a;
  for (; j + 8 <= n; j += 8) {
    v8 acc[R] = {};
    for (int t = 0; t < count; t++) {
      const v8 b = load8(B + static_cast<size_t>(idx[t]) * ldb + j);
      for (int r = 0; r < R; r++) acc[r] += a[t * R + r] * b;
    }
    for (int r = 0; r < R; r++)
      if (r < rows) store8(C + static_cast<size_t>(r) * ldc + j, acc[r]);
  }
  columnTail<R>(blk, rows, j, n, B, ldb, C, ldc);
}

#if defined(__GNUC__) && defined(__x86_64__)
#define TL_HAVE_FMA_KERNEL 1
// Columns [j, j + 8V) of R rows, R·V accumulators in registers; per index V loads of B,
// R broadcasts and R·V fused multiply-adds.
template <int R, int V>
__attribute__((target("avx2,fma"))) inline void fmaColumns(const PackedBlock& blk, int rows, int j, const float* B, int ldb,
                                                           float* C, int ldc) {
  // Locals, fully unrolled loops and stores under constant bounds: GCC then keeps the
  // accumulators in registers (otherwise they live on the stack, stored at every index).
  const int count = blk.count;
  const int* idx = blk.idx;
  const float* a = blk.a;
  __m256 acc[R * V];
#pragma GCC unroll 16
  for (int i = 0; i < R * V; i++) acc[i] = _mm256_setzero_ps();
  for (int t = 0; t < count; t++) {
    const float* b = B + static_cast<size_t>(idx[t]) * ldb + j;
    __m256 bv[V];
#pragma GCC unroll 16
    for (int v = 0; v < V; v++) bv[v] = _mm256_loadu_ps(b + 8 * v);
#pragma GCC unroll 16
    for (int r = 0; r < R; r++) {
      const __m256 ar = _mm256_broadcast_ss(a + t * R + r);
#pragma GCC unroll 16
      for (int v = 0; v < V; v++) acc[r * V + v] = _mm256_fmadd_ps(ar, bv[v], acc[r * V + v]);
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < R; r++) {
    if (r >= rows) break;
#pragma GCC unroll 16
    for (int v = 0; v < V; v++) _mm256_storeu_ps(C + static_cast<size_t>(r) * ldc + j + 8 * v, acc[r * V + v]);
  }
}

template <int R, int V>
__attribute__((target("avx2,fma"))) void multiplyBlockFma(const PackedBlock& blk, int rows, int n, const float* B, int ldb,
                                                          float* C, int ldc) {
  int j = 0;
  for (; j + 8 * V <= n; j += 8 * V) fmaColumns<R, V>(blk, rows, j, B, ldb, C, ldc);
  for (; j + 8 <= n; j += 8) fmaColumns<R, 1>(blk, rows, j, B, ldb, C, ldc);
  columnTail<R>(blk, rows, j, n, B, ldb, C, ldc);
}
#endif

// Packs rows [row, row + rows) of op(A) at the indices where one of them is nonzero.
// Branch-free: every index is written and the count only advances past a nonzero.
template <int R>
int packBlock(bool transA, const float* A, int lda, int row, int rows, int k, int* idx, float* a) {
  int count = 0;
  for (int p = 0; p < k; p++) {
    float v[R];
    for (int r = 0; r < R; r++) {
      v[r] = r < rows ? (transA ? A[static_cast<size_t>(p) * lda + row + r] : A[static_cast<size_t>(row + r) * lda + p]) : 0.f;
    }
    bool any = false;
    for (int r = 0; r < R; r++) {
      a[count * R + r] = v[r];
      any |= v[r] != 0.f;
    }
    idx[count] = p;
    count += any;
  }
  return count;
}

template <int R, int V>
void sparseRows(bool transA, int m, int n, int k, const float* A, int lda, const float* B, int ldb, float* C, int ldc) {
  using Multiply = void (*)(const PackedBlock&, int, int, const float*, int, float*, int);
  static const Multiply multiply = [] {
#ifdef TL_HAVE_FMA_KERNEL
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return static_cast<Multiply>(multiplyBlockFma<R, V>);
#endif
    return static_cast<Multiply>(multiplyBlockBaseline<R>);
  }();
  const int blocks = (m + R - 1) / R;
  // More tasks than threads: blocks of pixels near an image's centre hold more nonzeros,
  // and tasks are claimed as threads come free.
  const int tasks = std::max(1, std::min(blocks, 4 * parallelThreads()));
  const int perTask = (blocks + tasks - 1) / tasks;
  parallelTasks(tasks, [&](int task) {
    thread_local std::vector<int> idx;
    thread_local std::vector<float> packed;
    idx.resize(static_cast<size_t>(k));
    packed.resize(static_cast<size_t>(k) * R);
    for (int block = task * perTask; block < std::min(blocks, (task + 1) * perTask); block++) {
      const int row = block * R, rows = std::min(R, m - row);
      const int count = packBlock<R>(transA, A, lda, row, rows, k, idx.data(), packed.data());
      multiply(PackedBlock{idx.data(), packed.data(), count}, rows, n, B, ldb, C + static_cast<size_t>(row) * ldc, ldc);
    }
  });
}

// Whether a sample of the stored matrix (up to 32 rows × 128 columns, spread over all of it)
// is at most kMaxDensity nonzero. Dense operands stop early, after a few hundred reads.
bool mostlyZeros(const float* A, int storedRows, int rowLength, int lda) {
  const int rowStep = std::max(1, storedRows / 32), columnStep = std::max(1, rowLength / 128);
  const size_t perRow = static_cast<size_t>((rowLength + columnStep - 1) / columnStep);
  const size_t rowsSampled = static_cast<size_t>((storedRows + rowStep - 1) / rowStep);
  const size_t limit = static_cast<size_t>(kMaxDensity * static_cast<double>(rowsSampled * perRow));
  size_t nonzero = 0;
  for (int r = 0; r < storedRows; r += rowStep) {
    const float* row = A + static_cast<size_t>(r) * lda;
    for (int c = r % columnStep; c < rowLength; c += columnStep) nonzero += row[c] != 0.f;
    if (nonzero > limit) return false;
  }
  return true;
}

// On unless TENSORLOOM_SPARSE_PRODUCTS=0; setSparseProducts turns it off for a comparison
// with BLAS on every product (the bench's dense row, the tests' reference).
std::atomic<bool> sparseProducts{[] {
  const char* flag = std::getenv("TENSORLOOM_SPARSE_PRODUCTS");
  return !(flag && std::strcmp(flag, "0") == 0);
}()};

// Products that took the sparse path since load (the tests check the dispatch with it).
std::atomic<int64_t> sparseProductCount{0};

// sparseProductCount(): products that skipped zeros so far.
napi_value SparseProductCount(napi_env env, napi_callback_info) { return number(env, static_cast<double>(sparseProductCount.load())); }

// setSparseProducts(on): returns whether sparse products were on before.
napi_value SetSparseProducts(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const bool before = sparseProducts.exchange(a.integer(0) != 0);
  napi_value out;
  napi_get_boolean(env, before, &out);
  return out;
}

}  // namespace

bool sparseLeftGemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, const float* A, int lda, const float* B,
                    int ldb, float* C, int ldc) {
  // Below a million multiply-adds the sample and the packing are not worth it.
  if (!sparseProducts.load(std::memory_order_relaxed) || tb != CblasNoTrans || n < 8 || k < 16 || m < kBlockRows ||
      static_cast<double>(m) * n * k < kParallelGemmWork)
    return false;
  const bool transA = ta == CblasTrans;
  if (!mostlyZeros(A, transA ? k : m, transA ? m : k, lda)) return false;
  sparseRows<kBlockRows, kBlockVectors>(transA, m, n, k, A, lda, B, ldb, C, ldc);
  sparseProductCount.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void defineSparseGemm(napi_env env, napi_value exports) {
  defineFunction(env, exports, "setSparseProducts", SetSparseProducts);
  defineFunction(env, exports, "sparseProductCount", SparseProductCount);
}

}  // namespace tl
