// F.interpolate(mode='nearest'), as backend/cpu/ResizeStep.java: output (oh, ow) copies input
// (floor(oh * inH / outH), floor(ow * inW / outW)), the scale computed in float as PyTorch does;
// backward gathers, per input pixel, the gradients of the output pixels that copied it.
#include "kernels.h"
#include "launch.cuh"

namespace eproxy {

namespace {

__host__ __device__ inline int source(int o, int in, int out) {
  const float scale = static_cast<float>(in) / out;
  const int s = static_cast<int>(floorf(o * scale));
  return s < in - 1 ? s : in - 1;
}

}  // namespace

void resize_forward(const Exec& ex, const Dims& x, const Dims& y, const float* in, float* out) {
  for_each(ex, y.numel(), [=] __host__ __device__(long i) {
    const int ow = static_cast<int>(i % y.w);
    const int oh = static_cast<int>(i / y.w % y.h);
    const long plane = i / y.plane();
    out[i] = in[plane * x.plane() + source(oh, x.h, y.h) * x.w + source(ow, x.w, y.w)];
  });
}

void resize_backward(const Exec& ex, const Dims& x, const Dims& y, const float* dy, float* dx) {
  for_each(ex, x.numel(), [=] __host__ __device__(long i) {
    const int iw = static_cast<int>(i % x.w);
    const int ih = static_cast<int>(i / x.w % x.h);
    const float* dyp = dy + i / x.plane() * y.plane();
    float s = 0.f;
    for (int oh = 0; oh < y.h; oh++) {
      if (source(oh, x.h, y.h) != ih) continue;
      for (int ow = 0; ow < y.w; ow++) {
        if (source(ow, x.w, y.w) == iw) s += dyp[oh * y.w + ow];
      }
    }
    dx[i] += s;
  });
}

}  // namespace eproxy
