// Shared helpers of the Tensorloom native backend: N-API argument access and the
// scratch buffer through which JavaScript passes shapes without per-element calls.
#pragma once
#include <node_api.h>
#include <cstddef>
#include <cstdint>

// Hot loops get an AVX2 clone next to the baseline one, picked at load time by the CPU
// (GCC on x86-64 Linux). The addon is built where it runs, but may be copied to an older CPU.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define TL_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define TL_CLONES
#endif

namespace tl {

// Throws a JS Error and makes the caller return nullptr (the N-API convention).
#define TL_CHECK(env, cond, msg)                        \
  do {                                                  \
    if (!(cond)) {                                      \
      napi_throw_error((env), "TENSORLOOM_NATIVE", msg); \
      return nullptr;                                   \
    }                                                   \
  } while (0)

struct Args {
  napi_env env;
  size_t argc = 0;
  napi_value argv[24];
  bool ok = true;
  Args(napi_env e, napi_callback_info info) : env(e) {
    argc = 24;
    ok = napi_get_cb_info(e, info, &argc, argv, nullptr, nullptr) == napi_ok;
  }
  // A typed array argument of the expected element type; null when it is not one.
  template <typename T>
  T* array(size_t i, napi_typedarray_type want, size_t* length) const {
    if (length) *length = 0;
    if (i >= argc) return nullptr;
    bool is = false;
    if (napi_is_typedarray(env, argv[i], &is) != napi_ok || !is) return nullptr;
    napi_typedarray_type type;
    size_t len;
    void* data;
    if (napi_get_typedarray_info(env, argv[i], &type, &len, &data, nullptr, nullptr) != napi_ok) return nullptr;
    if (type != want) return nullptr;
    if (length) *length = len;
    // An empty typed array may have no backing store; hand back a non-null pointer anyway.
    static T empty[1];
    return data ? static_cast<T*>(data) : empty;
  }
  float* f32(size_t i, size_t* length) const { return array<float>(i, napi_float32_array, length); }
  int32_t* i32(size_t i, size_t* length) const { return array<int32_t>(i, napi_int32_array, length); }
  bool isNullish(size_t i) const {
    if (i >= argc) return true;
    napi_valuetype t;
    napi_typeof(env, argv[i], &t);
    return t == napi_undefined || t == napi_null;
  }
  double num(size_t i, double fallback = 0) const {
    double v = fallback;
    if (i < argc) napi_get_value_double(env, argv[i], &v);
    return v;
  }
  int64_t integer(size_t i) const {
    int64_t v = 0;
    if (i < argc) napi_get_value_int64(env, argv[i], &v);
    return v;
  }
};

napi_value number(napi_env env, double v);

// A typed array of 4-byte elements (float32, int32 or uint32): data movement treats them alike.
inline uint32_t* words4(const Args& a, size_t i, size_t* n) {
  uint32_t* p = a.array<uint32_t>(i, napi_float32_array, n);
  if (!p) p = a.array<uint32_t>(i, napi_int32_array, n);
  if (!p) p = a.array<uint32_t>(i, napi_uint32_array, n);
  return p;
}

// Shapes and permutations travel in this Int32Array, set once by setScratch(). It belongs
// to the calling environment: the addon may be loaded by several worker threads.
int32_t* scratch(napi_env env, size_t* length);

// Registration of each module's functions on the exports object.
void defineMatmul(napi_env env, napi_value exports);
void defineElementwise(napi_env env, napi_value exports);
void defineReduce(napi_env env, napi_value exports);
void defineOptimizer(napi_env env, napi_value exports);
void defineGather(napi_env env, napi_value exports);
void defineCopy(napi_env env, napi_value exports);
void defineNormalization(napi_env env, napi_value exports);
void defineCrossEntropy(napi_env env, napi_value exports);
void defineModulatedLinear(napi_env env, napi_value exports);
void defineGrouped(napi_env env, napi_value exports);
void defineSparseGemm(napi_env env, napi_value exports);
void defineFunction(napi_env env, napi_value exports, const char* name, napi_callback cb);
void defineNameList(napi_env env, napi_value exports, const char* name, const char* const* names, size_t count);

}  // namespace tl
