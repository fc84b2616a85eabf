// Entry point of the addon: module registration, the scratch buffer, BLAS threads.
#include "common.h"
#include "blas.h"

namespace tl {

// Per-environment state (one per thread that loads the addon).
struct Instance {
  napi_ref scratchRef = nullptr;
  int32_t* scratchData = nullptr;
  size_t scratchLength = 0;
};

static Instance* instance(napi_env env) {
  void* data = nullptr;
  napi_get_instance_data(env, &data);
  return static_cast<Instance*>(data);
}

int32_t* scratch(napi_env env, size_t* length) {
  Instance* in = instance(env);
  *length = in ? in->scratchLength : 0;
  return in ? in->scratchData : nullptr;
}

napi_value number(napi_env env, double v) {
  napi_value out;
  napi_create_double(env, v, &out);
  return out;
}

void defineFunction(napi_env env, napi_value exports, const char* name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, nullptr, &fn);
  napi_set_named_property(env, exports, name, fn);
}

void defineNameList(napi_env env, napi_value exports, const char* name, const char* const* names, size_t count) {
  napi_value list;
  napi_create_array_with_length(env, count, &list);
  for (size_t i = 0; i < count; i++) {
    napi_value s;
    napi_create_string_utf8(env, names[i], NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, list, static_cast<uint32_t>(i), s);
  }
  napi_set_named_property(env, exports, name, list);
}

// setScratch(Int32Array): kept alive by a reference, its memory read by the kernels.
static napi_value SetScratch(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t len = 0;
  int32_t* data = a.i32(0, &len);
  TL_CHECK(env, data != nullptr, "setScratch expects an Int32Array");
  Instance* in = instance(env);
  TL_CHECK(env, in != nullptr, "setScratch: the addon has no instance data");
  if (in->scratchRef) napi_delete_reference(env, in->scratchRef);
  napi_create_reference(env, a.argv[0], 1, &in->scratchRef);
  in->scratchData = data;
  in->scratchLength = len;
  return nullptr;
}

// setThreads(n): threads the kernels may use (the caller included); returns the count in effect.
static napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args a(env, info);
  int n = static_cast<int>(a.integer(0));
  if (n > 0) setParallelThreads(n);
  return number(env, parallelThreads());
}

static napi_value BlasInfo(napi_env env, napi_callback_info) {
  napi_value s;
  napi_create_string_utf8(env, blasDescription(), NAPI_AUTO_LENGTH, &s);
  return s;
}

}  // namespace tl

static void freeInstance(napi_env env, void* data, void*) {
  tl::Instance* in = static_cast<tl::Instance*>(data);
  if (in->scratchRef) napi_delete_reference(env, in->scratchRef);
  delete in;
}

NAPI_MODULE_INIT() {
  napi_set_instance_data(env, new tl::Instance(), freeInstance, nullptr);
  tl::defineFunction(env, exports, "setScratch", tl::SetScratch);
  tl::defineFunction(env, exports, "setThreads", tl::SetThreads);
  tl::defineFunction(env, exports, "blasInfo", tl::BlasInfo);
  tl::defineMatmul(env, exports);
  tl::defineElementwise(env, exports);
  tl::defineReduce(env, exports);
  tl::defineOptimizer(env, exports);
  tl::defineGather(env, exports);
  tl::defineCopy(env, exports);
  tl::defineNormalization(env, exports);
  tl::defineCrossEntropy(env, exports);
  tl::defineModulatedLinear(env, exports);
  tl::defineGrouped(env, exports);
  tl::defineSparseGemm(env, exports);
  return exports;
}
