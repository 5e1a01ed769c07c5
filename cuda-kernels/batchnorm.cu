// BatchNorm2d in training mode, as backend/cpu/BatchNormStep.java: per channel, mean and biased
// variance over N*H*W in double (two passes), y = (x - mean) / sqrt(var + eps) * gamma + beta;
// saves mean and 1/std; backward recomputes x-hat from the input:
//   dx += gamma/std * (dy - mean(dy) - xhat * mean(dy * xhat)).
// A ReLU right after it can be fused in (Plan.reluAfter): the forward writes max(0, y) into the
// ReLU's output, the backward masks the ReLU's output gradient itself.
// Each per-channel sum runs in `parts` chunks (one thread each), then the chunks are added in
// order by one thread per channel: deterministic, and C * parts threads keep the GPU busy.
#include "kernels.h"
#include "launch.cuh"

namespace eproxy {

namespace {

long parts_of(const Dims& s) {
  long count = s.n * s.plane();
  long parts = count / 256;
  return parts < 1 ? 1 : (parts > 64 ? 64 : parts);
}

// Element j of channel c, j in [0, n * plane).
__host__ __device__ inline long channel_index(const Dims& s, int c, long j) {
  return j / s.plane() * s.per_image() + c * s.plane() + j % s.plane();
}

}  // namespace

long batchnorm_scratch(const Dims& s) {
  return s.c * parts_of(s) * 2 + s.c * 2L;
}

void batchnorm_forward(const Exec& ex, const Dims& s, float eps, const float* x, const float* gamma,
                       const float* beta, float* y, bool relu, const float* relu_mask, float* saved, double* scratch) {
  const long parts = parts_of(s);
  const long count = s.n * s.plane();
  double* partial = scratch;
  double* mean = scratch + s.c * parts * 2;
  for_each(ex, s.c * parts, [=] __host__ __device__(long i) {
    const int c = static_cast<int>(i / parts);
    const long p = i % parts;
    double sum = 0;
    for (long j = chunk_lo(count, p, parts); j < chunk_lo(count, p + 1, parts); j++) {
      sum += x[channel_index(s, c, j)];
    }
    partial[i] = sum;
  });
  for_each(ex, s.c, [=] __host__ __device__(long c) {
    double sum = 0;
    for (long p = 0; p < parts; p++) {
      sum += partial[c * parts + p];
    }
    mean[c] = sum / count;
  });
  for_each(ex, s.c * parts, [=] __host__ __device__(long i) {
    const int c = static_cast<int>(i / parts);
    const long p = i % parts;
    const double m = mean[c];
    double sq = 0;
    for (long j = chunk_lo(count, p, parts); j < chunk_lo(count, p + 1, parts); j++) {
      const double d = x[channel_index(s, c, j)] - m;
      sq += d * d;
    }
    partial[i] = sq;
  });
  for_each(ex, s.c, [=] __host__ __device__(long c) {
    double sq = 0;
    for (long p = 0; p < parts; p++) {
      sq += partial[c * parts + p];
    }
    saved[c] = static_cast<float>(mean[c]);
    saved[s.c + c] = static_cast<float>(1.0 / sqrt(sq / count + eps));
  });
  for_each(ex, s.numel(), [=] __host__ __device__(long i) {
    const int c = static_cast<int>(i / s.plane() % s.c);
    const float g = gamma != nullptr ? gamma[c] : 1.f;
    const float b = beta != nullptr ? beta[c] : 0.f;
    const float v = (x[i] - saved[c]) * (saved[s.c + c] * g) + b;
    y[i] = relu && !((relu_mask != nullptr ? relu_mask[i] : v) > 0.f) ? 0.f : v;  // as relu_forward: NaN, -0 become +0
  });
}

void batchnorm_backward(const Exec& ex, const Dims& s, const float* x, const float* dy, const float* relu_y,
                        const float* saved, const float* gamma, float* dgamma, float* dbeta, float* dx,
                        double* scratch) {
  // The output gradient: dy itself, or, with a fused ReLU, dy where the ReLU passed (relu_backward).
  auto grad = [=] __host__ __device__(long e) { return relu_y == nullptr || relu_y[e] > 0.f ? dy[e] : 0.f; };
  const long parts = parts_of(s);
  const long count = s.n * s.plane();
  double* partial = scratch;
  double* means = scratch + s.c * parts * 2;  // mean(dy), mean(dy * xhat) per channel
  for_each(ex, s.c * parts, [=] __host__ __device__(long i) {
    const int c = static_cast<int>(i / parts);
    const long p = i % parts;
    const float m = saved[c];
    const float inv_std = saved[s.c + c];
    double sum_dy = 0;
    double sum_dy_xhat = 0;
    for (long j = chunk_lo(count, p, parts); j < chunk_lo(count, p + 1, parts); j++) {
      const long e = channel_index(s, c, j);
      const float d = grad(e);
      sum_dy += d;
      sum_dy_xhat += d * ((x[e] - m) * inv_std);
    }
    partial[2 * i] = sum_dy;
    partial[2 * i + 1] = sum_dy_xhat;
  });
  for_each(ex, s.c, [=] __host__ __device__(long c) {
    double sum_dy = 0;
    double sum_dy_xhat = 0;
    for (long p = 0; p < parts; p++) {
      sum_dy += partial[2 * (c * parts + p)];
      sum_dy_xhat += partial[2 * (c * parts + p) + 1];
    }
    if (dgamma != nullptr) {
      dgamma[c] = static_cast<float>(sum_dy_xhat);
      dbeta[c] = static_cast<float>(sum_dy);
    }
    means[2 * c] = static_cast<float>(sum_dy / count);
    means[2 * c + 1] = static_cast<float>(sum_dy_xhat / count);
  });
  if (dx == nullptr) {
    return;
  }
  for_each(ex, s.numel(), [=] __host__ __device__(long i) {
    const int c = static_cast<int>(i / s.plane() % s.c);
    const float m = saved[c];
    const float inv_std = saved[s.c + c];
    const float k = (gamma != nullptr ? gamma[c] : 1.f) * inv_std;
    const float xhat = (x[i] - m) * inv_std;
    dx[i] += k * (grad(i) - static_cast<float>(means[2 * c]) - xhat * static_cast<float>(means[2 * c + 1]));
  });
}

}  // namespace eproxy
