// Losses, as backend/cpu/MseStep, CrossEntropyStep and DotStep. Values are summed in double in
// fixed chunks, then the chunks in order by one thread, which writes the value where the
// iteration counter points (so a captured iteration can be replayed unchanged).
//   MSE            L = mean((x - t)^2)                 dx += 2 (x - t) / numel
//   cross-entropy  L = -(1/N) sum t log softmax(x)      dx += (softmax(x) * sum(t) - t) / N   (rows = images)
//   dot            L = sum(t * x)                       dx += t
#include "kernels.h"
#include "launch.cuh"

namespace eproxy {

namespace {

long parts_of(long size) {
  long parts = size / 1024;
  return parts < 1 ? 1 : (parts > 256 ? 256 : parts);
}

__host__ __device__ inline double log_sum_exp(const float* row, int classes) {
  double max = -INFINITY;
  for (int k = 0; k < classes; k++) {
    max = row[k] > max ? row[k] : max;
  }
  double sum = 0;
  for (int k = 0; k < classes; k++) {
    sum += exp(row[k] - max);
  }
  return max + log(sum);
}

}  // namespace

long loss_scratch(LossKind kind, const Dims& pred) {
  return kind == LossKind::CROSS_ENTROPY ? pred.n : parts_of(pred.numel());
}

void loss_value(const Exec& ex, LossKind kind, const Dims& pred, const float* x, const float* t, double* scratch,
                double* values, const int* counter, int stride, int slot) {
  const long size = pred.numel();
  if (kind == LossKind::CROSS_ENTROPY) {
    const int classes = static_cast<int>(pred.per_image());
    for_each(ex, pred.n, [=] __host__ __device__(long n) {
      const float* row = x + n * classes;
      const float* tr = t + n * classes;
      const double lse = log_sum_exp(row, classes);
      double s = 0;
      for (int k = 0; k < classes; k++) {
        s -= tr[k] * (row[k] - lse);
      }
      scratch[n] = s;
    });
    const int batch = pred.n;
    for_each(ex, 1, [=] __host__ __device__(long) {
      double s = 0;
      for (int n = 0; n < batch; n++) s += scratch[n];
      values[*counter * stride + slot] = s / batch;
    });
    return;
  }
  const long parts = parts_of(size);
  const bool mse = kind == LossKind::MSE;
  for_each(ex, parts, [=] __host__ __device__(long p) {
    double s = 0;
    for (long i = chunk_lo(size, p, parts); i < chunk_lo(size, p + 1, parts); i++) {
      if (mse) {
        const double d = x[i] - t[i];
        s += d * d;
      } else {
        s += static_cast<double>(x[i]) * t[i];
      }
    }
    scratch[p] = s;
  });
  for_each(ex, 1, [=] __host__ __device__(long) {
    double s = 0;
    for (long p = 0; p < parts; p++) s += scratch[p];
    values[*counter * stride + slot] = mse ? s / size : s;
  });
}

void loss_backward(const Exec& ex, LossKind kind, const Dims& pred, const float* x, const float* t, float* dx) {
  const long size = pred.numel();
  if (kind == LossKind::MSE) {
    const float scale = 2.f / size;
    for_each(ex, size, [=] __host__ __device__(long i) { dx[i] += scale * (x[i] - t[i]); });
  } else if (kind == LossKind::DOT) {
    for_each(ex, size, [=] __host__ __device__(long i) { dx[i] += t[i]; });
  } else {
    const int classes = static_cast<int>(pred.per_image());
    const int batch = pred.n;
    for_each(ex, size, [=] __host__ __device__(long i) {
      const long n = i / classes;
      const float* row = x + n * classes;
      const float* tr = t + n * classes;
      double mass = 0;
      for (int k = 0; k < classes; k++) mass += tr[k];
      const double p = exp(x[i] - log_sum_exp(row, classes));
      dx[i] += static_cast<float>((p * mass - t[i]) / batch);
    });
  }
}

}  // namespace eproxy
