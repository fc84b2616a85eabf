// Box copies between N-d arrays (Slice, Pad, Split, Concat pieces) and Tile, on 4-byte
// elements; the innermost run of each box is one memcpy.
#include <algorithm>
#include <cstring>
#include "common.h"
#include "parallel.h"

namespace tl {

// copyBox(src, dst): scratch = [rank, srcDims, srcBegin, dstDims, dstBegin, size] (rank each):
// dst[dstBegin + i] = src[srcBegin + i] for every index i inside `size`.
static napi_value CopyBox(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t sn, dn, sl;
  const uint32_t* src = words4(a, 0, &sn);
  uint32_t* dst = words4(a, 1, &dn);
  TL_CHECK(env, src && dst, "copyBox expects two 4-byte typed arrays");
  const int32_t* s = scratch(env, &sl);
  TL_CHECK(env, s && sl >= 1 && s[0] >= 1 && s[0] <= 8 && sl >= static_cast<size_t>(1 + 5 * s[0]), "copyBox: bad scratch");
  const int r = s[0];
  const int32_t *srcDims = s + 1, *srcBegin = s + 1 + r, *dstDims = s + 1 + 2 * r, *dstBegin = s + 1 + 3 * r, *size = s + 1 + 4 * r;
  int64_t srcStride[8], dstStride[8], srcTotal = 1, dstTotal = 1, boxTotal = 1;
  for (int d = r - 1; d >= 0; d--) {
    TL_CHECK(env, srcBegin[d] >= 0 && dstBegin[d] >= 0 && size[d] >= 0 && srcBegin[d] + size[d] <= srcDims[d] &&
                      dstBegin[d] + size[d] <= dstDims[d],
             "copyBox: the box does not fit");
    srcStride[d] = srcTotal;
    dstStride[d] = dstTotal;
    srcTotal *= srcDims[d];
    dstTotal *= dstDims[d];
    boxTotal *= size[d];
  }
  TL_CHECK(env, static_cast<size_t>(srcTotal) <= sn && static_cast<size_t>(dstTotal) <= dn, "copyBox: arrays are too small");
  if (boxTotal == 0) return nullptr;
  int64_t srcOff = 0, dstOff = 0;
  for (int d = 0; d < r; d++) {
    srcOff += srcBegin[d] * srcStride[d];
    dstOff += dstBegin[d] * dstStride[d];
  }
  const int last = r - 1;
  const size_t run = static_cast<size_t>(size[last]) * sizeof(uint32_t);
  const int64_t outer = boxTotal / size[last];
  int64_t idx[8] = {0};
  for (int64_t o = 0; o < outer; o++) {
    std::memcpy(dst + dstOff, src + srcOff, run);
    for (int d = last - 1; d >= 0; d--) {
      idx[d]++;
      srcOff += srcStride[d];
      dstOff += dstStride[d];
      if (idx[d] < size[d]) break;
      srcOff -= srcStride[d] * size[d];
      dstOff -= dstStride[d] * size[d];
      idx[d] = 0;
    }
  }
  return nullptr;
}

// tile(x, out): scratch = [rank, input dims, reps]; out dim d = dims[d]·reps[d], out[i] = x[i mod dims].
static napi_value Tile(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t xn, on, sl;
  const uint32_t* x = words4(a, 0, &xn);
  uint32_t* out = words4(a, 1, &on);
  TL_CHECK(env, x && out, "tile expects two 4-byte typed arrays");
  const int32_t* s = scratch(env, &sl);
  TL_CHECK(env, s && sl >= 1 && s[0] >= 1 && s[0] <= 8 && sl >= static_cast<size_t>(1 + 2 * s[0]), "tile: bad scratch");
  const int r = s[0];
  const int32_t *dims = s + 1, *reps = s + 1 + r;
  int64_t inStride[8], inTotal = 1, outTotal = 1, od[8];
  for (int d = r - 1; d >= 0; d--) {
    TL_CHECK(env, dims[d] >= 0 && reps[d] >= 0, "tile: bad sizes");
    inStride[d] = inTotal;
    inTotal *= dims[d];
    od[d] = static_cast<int64_t>(dims[d]) * reps[d];
    outTotal *= od[d];
  }
  TL_CHECK(env, static_cast<size_t>(inTotal) <= xn && static_cast<size_t>(outTotal) <= on, "tile: arrays are too small");
  if (outTotal == 0) return nullptr;
  const int last = r - 1;
  const int64_t n = od[last], inner = dims[last];
  int64_t idx[8] = {0};
  int64_t inOff = 0;  // offset of the current outer index (mod dims) in x
  uint32_t* dst = out;
  for (int64_t o = 0; o < outTotal / n; o++) {
    const uint32_t* row = x + inOff;
    if (inner == 1) {
      // Broadcasting a trailing axis of 1 (the gradient of a sum over it): a fill, not n memcpys.
      std::fill(dst, dst + n, row[0]);
    } else {
      for (int64_t k = 0; k < n; k += inner) std::memcpy(dst + k, row, sizeof(uint32_t) * (k + inner <= n ? inner : n - k));
    }
    dst += n;
    for (int d = last - 1; d >= 0; d--) {
      idx[d]++;
      if (idx[d] % dims[d] == 0) inOff -= inStride[d] * (dims[d] - 1);
      else inOff += inStride[d];
      if (idx[d] < od[d]) break;
      idx[d] = 0;  // od[d] is a multiple of dims[d]: inOff is already back at this axis' start
    }
  }
  return nullptr;
}

// gatherRows(src, rowSize, rows, dst): dst row j = src row rows[j], on 4-byte elements. A
// shuffled mini-batch: each row is a miss to memory, so the pool's threads take a share of
// the rows each (two cores keep twice the misses in flight).
static napi_value GatherRows(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t sn, dn, rn;
  const uint32_t* src = words4(a, 0, &sn);
  const int64_t rowSize = a.integer(1);
  const uint32_t* rows = a.array<uint32_t>(2, napi_uint32_array, &rn);
  uint32_t* dst = words4(a, 3, &dn);
  TL_CHECK(env, src && rows && dst && rowSize > 0, "gatherRows expects 4-byte arrays src and dst, a row size and a Uint32Array of rows");
  const size_t width = static_cast<size_t>(rowSize);
  TL_CHECK(env, dn >= rn * width, "gatherRows: dst is too small");
  const size_t srcRows = sn / width;
  for (size_t j = 0; j < rn; j++) TL_CHECK(env, rows[j] < srcRows, "gatherRows: a row index is out of range");
  const size_t minRows = std::max<size_t>(1, kParallelElements / width);
  parallelRange(rn, minRows, [&](size_t begin, size_t end) {
    for (size_t j = begin; j < end; j++) std::memcpy(dst + j * width, src + rows[j] * width, width * sizeof(uint32_t));
  }, 1);
  return nullptr;
}

void defineCopy(napi_env env, napi_value exports) {
  defineFunction(env, exports, "gatherRows", GatherRows);
  defineFunction(env, exports, "copyBox", CopyBox);
  defineFunction(env, exports, "tile", Tile);
}

}  // namespace tl
