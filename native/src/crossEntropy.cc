// Softmax cross-entropy on class ids in one pass per row, forward and backward, with
// torch's semantics: mean over rows of −Σ_c t_c·log softmax(z)_c, where the target t is
// the one-hot label mixed with the uniform distribution by `smoothing`. A label outside
// [0, C) has no one-hot part (tfjs' oneHot gives a zero row), only the smoothing mass.
#include <cmath>
#include "common.h"

namespace tl {

// max and log Σ exp(z − max) of one row, the sum in double.
static inline void rowLogSumExp(const float* z, int64_t cols, float* max, double* logSum) {
  float m = -INFINITY;
  for (int64_t c = 0; c < cols; c++) m = z[c] > m || z[c] != z[c] ? z[c] : m;
  double sum = 0;
  for (int64_t c = 0; c < cols; c++) sum += std::exp(static_cast<double>(z[c]) - m);
  *max = m;
  *logSum = std::log(sum);
}

// Arguments 0–3 of the loss and accuracy kernels: logits [rows, cols] (Float32Array), labels
// [rows] (Int32Array), rows, cols. `fits` is false when an array is missing or too small.
struct LabelledLogits {
  const float* z;
  const int32_t* labels;
  int64_t rows, cols;
  bool fits;
};

static LabelledLogits labelledLogits(const Args& a) {
  size_t zn = 0, ln = 0;
  LabelledLogits p{a.f32(0, &zn), a.i32(1, &ln), a.integer(2), a.integer(3), false};
  p.fits = p.z && p.labels && p.rows >= 0 && p.cols > 0 && zn >= static_cast<size_t>(p.rows * p.cols) && ln >= static_cast<size_t>(p.rows);
  return p;
}

// softmaxCrossEntropy(logits, labels, rows, cols, smoothing) → the mean loss.
static napi_value SoftmaxCrossEntropy(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const LabelledLogits in = labelledLogits(a);
  TL_CHECK(env, in.fits, "softmaxCrossEntropy: logits [rows, cols] (Float32Array) and labels [rows] (Int32Array) expected");
  const float* z = in.z;
  const int32_t* labels = in.labels;
  const int64_t rows = in.rows, cols = in.cols;
  const double smoothing = a.num(4);
  double total = 0;
  for (int64_t r = 0; r < rows; r++) {
    const float* zr = z + r * cols;
    float m;
    double logSum;
    rowLogSumExp(zr, cols, &m, &logSum);
    double loss = 0;
    const int32_t label = labels[r];
    if (label >= 0 && label < cols) loss -= (1.0 - smoothing) * (zr[label] - m - logSum);
    if (smoothing > 0) {
      double sumLogP = 0;
      for (int64_t c = 0; c < cols; c++) sumLogP += zr[c] - m - logSum;
      loss -= smoothing / static_cast<double>(cols) * sumLogP;
    }
    total += loss;
  }
  return number(env, rows > 0 ? total / static_cast<double>(rows) : NAN);
}

// softmaxCrossEntropyGrad(logits, labels, dx, rows, cols, smoothing, dy):
//   dx = dy/rows · (softmax(z)·Σt − t)
static napi_value SoftmaxCrossEntropyGrad(napi_env env, napi_callback_info info) {
  Args a(env, info);
  size_t zn, ln, dn;
  const float* z = a.f32(0, &zn);
  const int32_t* labels = a.i32(1, &ln);
  float* dx = a.f32(2, &dn);
  const int64_t rows = a.integer(3), cols = a.integer(4);
  const double smoothing = a.num(5);
  const double dy = a.num(6);
  const size_t n = static_cast<size_t>(rows * cols);
  TL_CHECK(env, z && labels && dx && rows >= 0 && cols > 0 && zn >= n && dn >= n && ln >= static_cast<size_t>(rows),
           "softmaxCrossEntropyGrad: logits, labels and dx of [rows, cols] expected");
  const double scale = rows > 0 ? dy / static_cast<double>(rows) : 0;
  const float uniform = static_cast<float>(smoothing / static_cast<double>(cols));
  for (int64_t r = 0; r < rows; r++) {
    const float* zr = z + r * cols;
    float* dr = dx + r * cols;
    float m;
    double logSum;
    rowLogSumExp(zr, cols, &m, &logSum);
    const int32_t label = labels[r];
    const bool valid = label >= 0 && label < cols;
    const double targetMass = (valid ? 1.0 - smoothing : 0.0) + smoothing;
    for (int64_t c = 0; c < cols; c++) {
      const double p = std::exp(static_cast<double>(zr[c]) - m - logSum);
      const double t = uniform + (valid && c == label ? 1.0 - smoothing : 0.0);
      dr[c] = static_cast<float>(scale * (p * targetMass - t));
    }
  }
  return nullptr;
}

// classAccuracy(logits, labels, rows, cols) → the fraction of rows whose argmax is the
// label, rounded as tf.mean rounds it. The argmax as tf.argMax takes it: the first entry
// is kept unless a later one is strictly larger (so a NaN after the first never wins).
static napi_value ClassAccuracy(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const LabelledLogits in = labelledLogits(a);
  TL_CHECK(env, in.fits, "classAccuracy: logits [rows, cols] (Float32Array) and labels [rows] (Int32Array) expected");
  const float* z = in.z;
  const int32_t* labels = in.labels;
  const int64_t rows = in.rows, cols = in.cols;
  int64_t correct = 0;
  for (int64_t r = 0; r < rows; r++) {
    const float* zr = z + r * cols;
    int64_t best = 0;
    for (int64_t c = 1; c < cols; c++)
      if (zr[c] > zr[best]) best = c;
    correct += best == labels[r];
  }
  // As tf.mean rounds it: the count times the float32 reciprocal of the row count.
  const float reciprocal = 1.0f / static_cast<float>(rows);
  return number(env, rows > 0 ? static_cast<double>(static_cast<float>(correct) * reciprocal) : 0.0);  // tf.mean of no rows: 0
}

void defineCrossEntropy(napi_env env, napi_value exports) {
  defineFunction(env, exports, "classAccuracy", ClassAccuracy);
  defineFunction(env, exports, "softmaxCrossEntropy", SoftmaxCrossEntropy);
  defineFunction(env, exports, "softmaxCrossEntropyGrad", SoftmaxCrossEntropyGrad);
}

}  // namespace tl
