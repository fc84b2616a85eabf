// Reductions over one contiguous run of axes, seen as [outer, n, inner]: no transpose
// is needed for the common cases (last axes, or the batch axis of a bias gradient).
// Sums accumulate in double, as the cpu backend's JavaScript does.
#include <cmath>
#include <algorithm>
#include <vector>
#include "common.h"
#include "fastmath.h"
#include "parallel.h"

namespace tl {

static const char* const kReduce[] = {"Sum", "Mean", "Max", "Min", "Prod"};
enum Reduce { R_SUM, R_MEAN, R_MAX, R_MIN, R_PROD, R_COUNT };
static const char* const kArgReduce[] = {"ArgMax", "ArgMin"};

// NaN wins, as in the cpu backend's max/min.
static inline double pickMax(double acc, double v) { return (v != v || v > acc) ? v : acc; }
static inline double pickMin(double acc, double v) { return (v != v || v < acc) ? v : acc; }

// Rows [first, last) of x seen as [rows, n], each reduced to one value.
static void reduceRows(int op, double init, const float* x, float* out, int64_t first, int64_t last, int64_t n) {
  for (int64_t o = first; o < last; o++) {
    const float* row = x + o * n;
    double acc = init;
    switch (op) {
      case R_SUM:
      case R_MEAN: {
        // Four partial sums let the loop pipeline; the order differs from a plain loop
        // only in rounding far below float32's precision.
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int64_t j = 0;
        for (; j + 4 <= n; j += 4) {
          s0 += row[j];
          s1 += row[j + 1];
          s2 += row[j + 2];
          s3 += row[j + 3];
        }
        for (; j < n; j++) s0 += row[j];
        acc = (s0 + s1) + (s2 + s3);
        if (op == R_MEAN) acc /= static_cast<double>(n);
        break;
      }
      case R_MAX:
        for (int64_t j = 0; j < n; j++) acc = pickMax(acc, row[j]);
        break;
      case R_MIN:
        for (int64_t j = 0; j < n; j++) acc = pickMin(acc, row[j]);
        break;
      case R_PROD:
        for (int64_t j = 0; j < n; j++) acc *= row[j];
        break;
    }
    out[o] = static_cast<float>(acc);
  }
}

// Blocks [first, last) of x seen as [outer, n, inner], columns [c0, c1) of each: whole rows
// are accumulated, which keeps the inner loop contiguous.
static void reduceBlocks(int op, double init, const float* x, float* out, int64_t first, int64_t last, int64_t n, int64_t inner,
                         int64_t c0, int64_t c1) {
  const int64_t width = c1 - c0;
  std::vector<double> acc(static_cast<size_t>(width));
  for (int64_t o = first; o < last; o++) {
    std::fill(acc.begin(), acc.end(), init);
    const float* block = x + o * n * inner + c0;
    for (int64_t j = 0; j < n; j++) {
      const float* row = block + j * inner;
      switch (op) {
        case R_SUM:
        case R_MEAN:
          for (int64_t i = 0; i < width; i++) acc[i] += row[i];
          break;
        case R_MAX:
          for (int64_t i = 0; i < width; i++) acc[i] = pickMax(acc[i], row[i]);
          break;
        case R_MIN:
          for (int64_t i = 0; i < width; i++) acc[i] = pickMin(acc[i], row[i]);
          break;
        case R_PROD:
          for (int64_t i = 0; i < width; i++) acc[i] *= row[i];
          break;
      }
    }
    float* dst = out + o * inner + c0;
    const double scale = op == R_MEAN ? 1.0 / static_cast<double>(n) : 1.0;
    for (int64_t i = 0; i < width; i++) dst[i] = static_cast<float>(op == R_MEAN ? acc[i] * scale : acc[i]);
  }
}

// reduce(op, x, out, outer, n, inner)
static napi_value ReduceOp(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t xn, on;
  const int op = static_cast<int>(a.integer(0));
  const float* x = a.f32(1, &xn);
  float* out = a.f32(2, &on);
  const int64_t outer = a.integer(3), n = a.integer(4), inner = a.integer(5);
  TL_CHECK(env, x && out, "reduce expects Float32Arrays x and out");
  TL_CHECK(env, op >= 0 && op < R_COUNT, "reduce: unknown op");
  TL_CHECK(env, outer >= 0 && n >= 0 && inner >= 0 && static_cast<size_t>(outer * n * inner) <= xn &&
                    static_cast<size_t>(outer * inner) <= on,
           "reduce: arrays are smaller than their shapes");
  const double init = op == R_MAX ? -INFINITY : op == R_MIN ? INFINITY : op == R_PROD ? 1.0 : 0.0;
  if (n == 0) {
    // As the cpu backend: an empty sum (and mean) is 0, an empty product 1, max and min NaN.
    const float empty = op == R_MAX || op == R_MIN ? NAN : op == R_PROD ? 1.f : 0.f;
    for (int64_t i = 0; i < outer * inner; i++) out[i] = empty;
    return nullptr;
  }
  if (inner == 1) {
    const size_t rowsPerPart = std::max<size_t>(1, kParallelElements / static_cast<size_t>(n));
    parallelRange(static_cast<size_t>(outer), rowsPerPart, [&](size_t begin, size_t end) {
      reduceRows(op, init, x, out, static_cast<int64_t>(begin), static_cast<int64_t>(end), n);
    }, 1);
    return nullptr;
  }
  // Independent outputs: split by blocks, or by columns when there is one block (a bias gradient).
  const size_t perBlock = static_cast<size_t>(n * inner);
  if (outer > 1) {
    parallelRange(static_cast<size_t>(outer), std::max<size_t>(1, kParallelElements / perBlock), [&](size_t begin, size_t end) {
      reduceBlocks(op, init, x, out, static_cast<int64_t>(begin), static_cast<int64_t>(end), n, inner, 0, inner);
    }, 1);
  } else {
    const size_t columnsPerPart = std::max<size_t>(16, kParallelElements / static_cast<size_t>(n));
    parallelRange(static_cast<size_t>(inner), columnsPerPart, [&](size_t begin, size_t end) {
      reduceBlocks(op, init, x, out, 0, outer, n, inner, static_cast<int64_t>(begin), static_cast<int64_t>(end));
    });
  }
  return nullptr;
}

// argReduce(op, x, out Int32Array, outer, n, inner): first index of the max (0) or min (1),
// NaN ignored unless it comes first, as in the cpu backend.
static napi_value ArgReduce(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t xn, on;
  const int op = static_cast<int>(a.integer(0));
  const float* x = a.f32(1, &xn);
  int32_t* out = a.i32(2, &on);
  const int64_t outer = a.integer(3), n = a.integer(4), inner = a.integer(5);
  TL_CHECK(env, x && out, "argReduce expects a Float32Array x and an Int32Array out");
  TL_CHECK(env, n >= 1 && outer >= 0 && inner >= 1 && static_cast<size_t>(outer * n * inner) <= xn &&
                    static_cast<size_t>(outer * inner) <= on,
           "argReduce: arrays are smaller than their shapes");
  for (int64_t o = 0; o < outer; o++) {
    for (int64_t i = 0; i < inner; i++) {
      const float* base = x + o * n * inner + i;
      float best = base[0];
      int32_t at = 0;
      for (int64_t j = 1; j < n; j++) {
        const float v = base[j * inner];
        if (op == 0 ? v > best : v < best) {
          best = v;
          at = static_cast<int32_t>(j);
        }
      }
      out[o * inner + i] = at;
    }
  }
  return nullptr;
}

// sumScattered(x, out, mean): sum (or mean) over axes that are not one contiguous run, in
// one pass in memory order, into double accumulators. scratch = [rank, dims, reduced flags].
// The alternative, a transpose that gathers the reduced axes last, is a second full pass
// with strided reads.
static napi_value SumScattered(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t xn, on, sl;
  const float* x = a.f32(0, &xn);
  float* out = a.f32(1, &on);
  const bool mean = a.integer(2) != 0;
  const int32_t* s = scratch(env, &sl);
  TL_CHECK(env, x && out && s && sl >= 1 && s[0] >= 1 && s[0] <= 8 && sl >= static_cast<size_t>(1 + 2 * s[0]), "sumScattered: bad arguments");
  const int r = s[0];
  const int32_t *dims = s + 1, *reduced = s + 1 + r;
  int64_t outStride[8], total = 1, outTotal = 1, count = 1;
  for (int d = r - 1; d >= 0; d--) {
    TL_CHECK(env, dims[d] >= 0, "sumScattered: bad sizes");
    outStride[d] = reduced[d] ? 0 : outTotal;
    if (reduced[d]) count *= dims[d];
    else outTotal *= dims[d];
    total *= dims[d];
  }
  TL_CHECK(env, static_cast<size_t>(total) <= xn && static_cast<size_t>(outTotal) <= on, "sumScattered: arrays are too small");
  std::vector<double> acc(static_cast<size_t>(outTotal), 0.0);
  const int last = r - 1;
  const int64_t n = dims[last];
  int64_t idx[8] = {0}, outOff = 0;
  if (n > 0) {
    for (int64_t base = 0; base < total; base += n) {
      const float* row = x + base;
      if (reduced[last]) {
        double sum = 0;
        for (int64_t k = 0; k < n; k++) sum += row[k];
        acc[outOff] += sum;
      } else {
        double* dst = acc.data() + outOff;
        for (int64_t k = 0; k < n; k++) dst[k] += row[k];
      }
      for (int d = last - 1; d >= 0; d--) {
        idx[d]++;
        outOff += outStride[d];
        if (idx[d] < dims[d]) break;
        outOff -= outStride[d] * dims[d];
        idx[d] = 0;
      }
    }
  }
  const double divisor = mean ? static_cast<double>(count) : 1.0;
  for (int64_t i = 0; i < outTotal; i++) out[i] = static_cast<float>(acc[i] / divisor);
  return nullptr;
}

// Max-shifted softmax of each row; the exp pass vectorises (fastExp), the sum is in double.
TL_CLONES static void softmaxRows(const float* x, float* out, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; r++) {
    const float* in = x + r * cols;
    float* o = out + r * cols;
    float m = -INFINITY;
    bool nan = false;
    for (int64_t c = 0; c < cols; c++) {
      nan |= in[c] != in[c];
      m = in[c] > m ? in[c] : m;
    }
    if (nan) m = NAN;  // as the cpu backend: a NaN in the row makes the row NaN
    for (int64_t c = 0; c < cols; c++) o[c] = fastExp(in[c] - m);
    double sum = 0;
    for (int64_t c = 0; c < cols; c++) sum += o[c];
    const float inv = static_cast<float>(1.0 / sum);
    for (int64_t c = 0; c < cols; c++) o[c] *= inv;
  }
}

// softmax(x, out, rows, cols) over the last axis, max-shifted.
static napi_value Softmax(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t xn, on;
  const float* x = a.f32(0, &xn);
  float* out = a.f32(1, &on);
  const int64_t rows = a.integer(2), cols = a.integer(3);
  TL_CHECK(env, x && out && rows >= 0 && cols >= 0 && static_cast<size_t>(rows * cols) <= xn &&
                    static_cast<size_t>(rows * cols) <= on,
           "softmax: arrays are smaller than their shapes");
  const size_t rowsPerPart = std::max<size_t>(1, kParallelElements / static_cast<size_t>(std::max<int64_t>(cols, 1)));
  parallelRange(static_cast<size_t>(rows), rowsPerPart, [&](size_t begin, size_t end) {
    softmaxRows(x + begin * cols, out + begin * cols, static_cast<int64_t>(end - begin), cols);
  }, 1);
  return nullptr;
}

// topk(x, values, indices, rows, cols, k): the k largest of each row, largest first, equal
// values in index order (the cpu backend's sorted order).
static napi_value TopK(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t xn, vn, in;
  const float* x = a.f32(0, &xn);
  float* values = a.f32(1, &vn);
  int32_t* indices = a.i32(2, &in);
  const int64_t rows = a.integer(3), cols = a.integer(4), k = a.integer(5);
  TL_CHECK(env, x && values && indices, "topk expects x, values (Float32Array) and indices (Int32Array)");
  TL_CHECK(env, rows >= 0 && cols >= 0 && k >= 0 && k <= cols && static_cast<size_t>(rows * cols) <= xn &&
                    static_cast<size_t>(rows * k) <= vn && static_cast<size_t>(rows * k) <= in,
           "topk: arrays are smaller than their shapes");
  std::vector<int32_t> order(static_cast<size_t>(cols));
  for (int64_t r = 0; r < rows; r++) {
    const float* row = x + r * cols;
    float* v = values + r * k;
    int32_t* ix = indices + r * k;
    if (k <= 16) {
      // Insertion into the k best so far: a later equal value never passes an earlier one.
      int64_t count = 0;
      for (int64_t j = 0; j < cols; j++) {
        const float val = row[j];
        if (count == k && !(val > v[k - 1])) continue;
        int64_t at = count < k ? count++ : k - 1;
        while (at > 0 && val > v[at - 1]) {
          v[at] = v[at - 1];
          ix[at] = ix[at - 1];
          at--;
        }
        v[at] = val;
        ix[at] = static_cast<int32_t>(j);
      }
    } else {
      for (int64_t j = 0; j < cols; j++) order[j] = static_cast<int32_t>(j);
      std::partial_sort(order.begin(), order.begin() + k, order.end(),
                        [row](int32_t p, int32_t q) { return row[p] > row[q] || (row[p] == row[q] && p < q); });
      for (int64_t i = 0; i < k; i++) {
        ix[i] = order[i];
        v[i] = row[order[i]];
      }
    }
  }
  return nullptr;
}

void defineReduce(napi_env env, napi_value exports) {
  defineFunction(env, exports, "topk", TopK);
  defineFunction(env, exports, "reduce", ReduceOp);
  defineFunction(env, exports, "argReduce", ArgReduce);
  defineFunction(env, exports, "softmax", Softmax);
  defineFunction(env, exports, "sumScattered", SumScattered);
  defineNameList(env, exports, "reduceOps", kReduce, R_COUNT);
  defineNameList(env, exports, "argReduceOps", kArgReduce, 2);
}

}  // namespace tl
