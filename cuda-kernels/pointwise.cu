// Element-wise ops: ReLU (backend/cpu/ReluStep), n-ary add / identity / zero as copies and sums
// (ElementwiseStep), channel concatenation and slicing as per-image block copies (ChannelStep),
// the SGD update over all trainable parameters in one launch (SgdStep), and the iteration counter.
#include "kernels.h"
#include "launch.cuh"

namespace eproxy {

void relu_forward(const Exec& ex, long n, const float* x, const float* mask, float* y) {
  for_each(ex, n, [=] __host__ __device__(long i) { y[i] = (mask != nullptr ? mask[i] : x[i]) > 0.f ? x[i] : 0.f; });
}

void relu_backward(const Exec& ex, long n, const float* y, const float* dy, float* dx) {
  for_each(ex, n, [=] __host__ __device__(long i) {
    if (y[i] > 0.f) dx[i] += dy[i];
  });
}

void fill_zero(const Exec& ex, long n, float* y) {
  for_each(ex, n, [=] __host__ __device__(long i) { y[i] = 0.f; });
}

void copy(const Exec& ex, long n, const float* x, float* y) {
  for_each(ex, n, [=] __host__ __device__(long i) { y[i] = x[i]; });
}

void accumulate(const Exec& ex, long n, const float* x, float* y) {
  for_each(ex, n, [=] __host__ __device__(long i) { y[i] += x[i]; });
}

void copy_blocks(const Exec& ex, int images, long count, const float* src, long src_stride, float* dst,
                 long dst_stride, bool add) {
  for_each(ex, images * count, [=] __host__ __device__(long i) {
    const long b = i / count;
    const long j = i % count;
    const float v = src[b * src_stride + j];
    float* d = dst + b * dst_stride + j;
    *d = add ? *d + v : v;
  });
}

void sgd_step(const Exec& ex, long n, float* p, float* m, const float* g, float lr, float mu, float wd) {
  for_each(ex, n, [=] __host__ __device__(long i) {
    const float w = p[i];
    const float v = mu * m[i] + (g[i] + wd * w);
    m[i] = v;
    p[i] = w - lr * v;
  });
}

void increment(const Exec& ex, int* counter) {
  for_each(ex, 1, [=] __host__ __device__(long) { *counter += 1; });
}

}  // namespace eproxy
