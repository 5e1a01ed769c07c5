// AvgPool2d(count_include_pad=False) and MaxPool2d, as backend/cpu/PoolStep.java: windows are
// clipped to the input (padding is never averaged and never wins a max); ties and NaN go to the
// first tap in row-major order. Backward is a gather per input element over the windows that
// contain it (a max window passes its gradient to its recomputed arg-max, or to the frozen choice
// given), so no atomics.
#include "kernels.h"
#include "launch.cuh"

namespace eproxy {

namespace {

// Index in the plane of the window's arg-max; window rows [h0, h1), columns [w0, w1).
__host__ __device__ inline int window_argmax(const float* plane, int width, int h0, int h1, int w0, int w1) {
  int best = h0 * width + w0;
  float best_value = plane[best];
  for (int ih = h0; ih < h1; ih++) {
    for (int iw = w0; iw < w1; iw++) {
      const float v = plane[ih * width + iw];
      if (v > best_value || v != v) {
        best_value = v;
        best = ih * width + iw;
      }
    }
  }
  return best;
}

__host__ __device__ inline int lo_clip(int o, const PoolGeom& g) {
  const int v = o * g.stride - g.pad;
  return v > 0 ? v : 0;
}

__host__ __device__ inline int hi_clip(int o, int size, const PoolGeom& g) {
  const int v = o * g.stride - g.pad + g.k;
  return v < size ? v : size;
}

}  // namespace

void pool_forward(const Exec& ex, const PoolGeom& g, const float* x, const int* choice, float* y) {
  for_each(ex, g.y.numel(), [=] __host__ __device__(long i) {
    const int ow = static_cast<int>(i % g.y.w);
    const int oh = static_cast<int>(i / g.y.w % g.y.h);
    const float* src = x + i / g.y.plane() * g.x.plane();
    const int h0 = lo_clip(oh, g), h1 = hi_clip(oh, g.x.h, g);
    const int w0 = lo_clip(ow, g), w1 = hi_clip(ow, g.x.w, g);
    if (g.max) {
      y[i] = src[choice != nullptr ? choice[i] : window_argmax(src, g.x.w, h0, h1, w0, w1)];
      return;
    }
    float s = 0.f;
    for (int ih = h0; ih < h1; ih++) {
      for (int iw = w0; iw < w1; iw++) {
        s += src[ih * g.x.w + iw];
      }
    }
    y[i] = s / ((h1 - h0) * (w1 - w0));
  });
}

void pool_backward(const Exec& ex, const PoolGeom& g, const float* x, const int* choice, const float* dy, float* dx) {
  for_each(ex, g.x.numel(), [=] __host__ __device__(long i) {
    const int iw = static_cast<int>(i % g.x.w);
    const int ih = static_cast<int>(i / g.x.w % g.x.h);
    const long plane = i / g.x.plane();
    const float* src = x + plane * g.x.plane();
    const float* dyp = dy + plane * g.y.plane();
    const int self = ih * g.x.w + iw;
    // Output rows whose window [oh*stride - pad, oh*stride - pad + k) contains ih.
    int oh0 = (ih + g.pad - g.k + g.stride) / g.stride;  // ceil((ih + pad - k + 1) / stride) for >= 0
    if (ih + g.pad - g.k + 1 <= 0) oh0 = 0;
    int oh1 = (ih + g.pad) / g.stride;
    if (oh1 > g.y.h - 1) oh1 = g.y.h - 1;
    int ow0 = (iw + g.pad - g.k + g.stride) / g.stride;
    if (iw + g.pad - g.k + 1 <= 0) ow0 = 0;
    int ow1 = (iw + g.pad) / g.stride;
    if (ow1 > g.y.w - 1) ow1 = g.y.w - 1;
    float s = 0.f;
    for (int oh = oh0; oh <= oh1; oh++) {
      const int h0 = lo_clip(oh, g), h1 = hi_clip(oh, g.x.h, g);
      for (int ow = ow0; ow <= ow1; ow++) {
        const int w0 = lo_clip(ow, g), w1 = hi_clip(ow, g.x.w, g);
        const float d = dyp[oh * g.y.w + ow];
        if (g.max) {
          const long o = plane * g.y.plane() + oh * g.y.w + ow;
          if ((choice != nullptr ? choice[o] : window_argmax(src, g.x.w, h0, h1, w0, w1)) == self) s += d;
        } else {
          s += d / ((h1 - h0) * (w1 - w0));
        }
      }
    }
    dx[i] += s;
  });
}

void max_pool_choices(const Exec& ex, const PoolGeom& g, const float* x, int* choice) {
  for_each(ex, g.y.numel(), [=] __host__ __device__(long i) {
    const int ow = static_cast<int>(i % g.y.w);
    const int oh = static_cast<int>(i / g.y.w % g.y.h);
    const float* src = x + i / g.y.plane() * g.x.plane();
    choice[i] = window_argmax(src, g.x.w, lo_clip(oh, g), hi_clip(oh, g.x.h, g), lo_clip(ow, g), hi_clip(ow, g.x.w, g));
  });
}

}  // namespace eproxy
