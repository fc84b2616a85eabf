// Data movement: transpose, gather along an axis, and its gradient (segment sum).
// Float32 and int32 move alike (4-byte elements).
#include <algorithm>
#include <cstring>
#include "common.h"
#include "parallel.h"

namespace tl {

// transpose(x, out): scratch = [rank, input dims..., perm...]. out dim d = input dim perm[d].
static napi_value Transpose(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t xn, on, sl;
  const uint32_t* x = words4(a, 0, &xn);
  uint32_t* out = words4(a, 1, &on);
  TL_CHECK(env, x && out, "transpose expects two 4-byte typed arrays");
  const int32_t* s = scratch(env, &sl);
  TL_CHECK(env, s && sl >= 1 && s[0] >= 0 && s[0] <= 8 && sl >= static_cast<size_t>(1 + 2 * s[0]), "transpose: bad scratch");
  const int rank = s[0];
  const int32_t* dims = s + 1;
  const int32_t* perm = s + 1 + rank;
  int64_t inStride[8], size = 1;
  for (int d = rank - 1; d >= 0; d--) {
    inStride[d] = size;
    size *= dims[d];
  }
  TL_CHECK(env, static_cast<size_t>(size) <= xn && static_cast<size_t>(size) <= on, "transpose: arrays are too small");
  if (size == 0) return nullptr;
  // Output dims and, for each, the input stride it walks.
  int64_t od[8], st[8];
  for (int d = 0; d < rank; d++) {
    TL_CHECK(env, perm[d] >= 0 && perm[d] < rank, "transpose: bad permutation");
    od[d] = dims[perm[d]];
    st[d] = inStride[perm[d]];
  }
  if (rank == 0) {
    out[0] = x[0];
    return nullptr;
  }
  const int last = rank - 1;
  const int64_t n = od[last], sLast = st[last];
  const int64_t outer = size / n;
  // Output rows split across the pool; each part starts its odometer at its first row.
  parallelRange(static_cast<size_t>(outer), std::max<size_t>(1, kParallelElements / static_cast<size_t>(n)), [&](size_t first, size_t end) {
    int64_t idx[8] = {0};
    int64_t off = 0, q = static_cast<int64_t>(first);
    for (int d = last - 1; d >= 0; d--) {
      idx[d] = q % od[d];
      q /= od[d];
      off += idx[d] * st[d];
    }
    uint32_t* dst = out + static_cast<int64_t>(first) * n;
    for (int64_t o = static_cast<int64_t>(first); o < static_cast<int64_t>(end); o++) {
      if (sLast == 1) {
        std::memcpy(dst, x + off, sizeof(uint32_t) * n);
      } else {
        const uint32_t* src = x + off;
        for (int64_t i = 0; i < n; i++) dst[i] = src[i * sLast];
      }
      dst += n;
      for (int d = last - 1; d >= 0; d--) {
        idx[d]++;
        off += st[d];
        if (idx[d] < od[d]) break;
        off -= st[d] * od[d];
        idx[d] = 0;
      }
    }
  }, 1);
  return nullptr;
}

// gather(x, indices, out, outer, dim, inner): x as [outer, dim, inner], out as
// [outer, indices.length, inner], out[o, j] = x[o, indices[j]]. Returns the first bad
// index position, or -1.
static napi_value Gather(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t xn, in, on;
  const uint32_t* x = words4(a, 0, &xn);
  const int32_t* idx = a.i32(1, &in);
  uint32_t* out = words4(a, 2, &on);
  const int64_t outer = a.integer(3), dim = a.integer(4), inner = a.integer(5);
  TL_CHECK(env, x && idx && out, "gather expects typed arrays x, indices (Int32Array), out");
  TL_CHECK(env, outer >= 0 && dim >= 0 && inner >= 0 && static_cast<size_t>(outer * dim * inner) <= xn &&
                    static_cast<size_t>(outer) * in * inner <= on,
           "gather: arrays are smaller than their shapes");
  for (size_t j = 0; j < in; j++)
    if (idx[j] < 0 || idx[j] >= dim) return number(env, static_cast<double>(j));
  for (int64_t o = 0; o < outer; o++) {
    const uint32_t* block = x + o * dim * inner;
    uint32_t* dst = out + o * static_cast<int64_t>(in) * inner;
    for (size_t j = 0; j < in; j++) std::memcpy(dst + j * inner, block + idx[j] * inner, sizeof(uint32_t) * inner);
  }
  return number(env, -1);
}

// segmentSum(x, ids, out, segments, inner): out[s] = Σ_{i: ids[i] = s} x[i] over rows of
// `inner` floats; ids outside [0, segments) are dropped (as in TensorFlow). out is zeroed here.
static napi_value SegmentSum(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t xn, in, on;
  const float* x = a.f32(0, &xn);
  const int32_t* ids = a.i32(1, &in);
  float* out = a.f32(2, &on);
  const int64_t segments = a.integer(3), inner = a.integer(4);
  TL_CHECK(env, x && ids && out, "segmentSum expects x (Float32Array), ids (Int32Array), out (Float32Array)");
  TL_CHECK(env, segments >= 0 && inner >= 0 && in * static_cast<size_t>(inner) <= xn &&
                    static_cast<size_t>(segments * inner) <= on,
           "segmentSum: arrays are smaller than their shapes");
  std::memset(out, 0, sizeof(float) * segments * inner);
  for (size_t i = 0; i < in; i++) {
    const int32_t s = ids[i];
    if (s < 0 || s >= segments) continue;
    float* dst = out + s * inner;
    const float* src = x + i * inner;
    for (int64_t k = 0; k < inner; k++) dst[k] += src[k];
  }
  return nullptr;
}

void defineGather(napi_env env, napi_value exports) {
  defineFunction(env, exports, "transpose", Transpose);
  defineFunction(env, exports, "gather", Gather);
  defineFunction(env, exports, "segmentSum", SegmentSum);
}

}  // namespace tl
