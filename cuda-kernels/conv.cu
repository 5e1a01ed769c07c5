// torch.nn.Conv2d (stride, padding, dilation, groups, optional bias), direct: one thread per
// output element (forward), per input element (data gradient, a gather over the output positions
// that read it, so no atomics), per (weight, image) pair (weight gradient, reduced over images in
// order afterwards). Correct for every shape; the launcher decides nothing shape-specific.
// CPU reference: backend/cpu/ConvStep.java.
#include "kernels.h"
#include "launch.cuh"

namespace eproxy {

long conv_weight_scratch(const ConvGeom& g) {
  return static_cast<long>(g.y.c) * (g.x.c / g.groups) * g.k * g.k * g.x.n;
}

void conv_forward(const Exec& ex, const ConvGeom& g, const float* x, const float* w, const float* bias, float* y) {
  const int cin_g = g.x.c / g.groups;
  const int cout_g = g.y.c / g.groups;
  for_each(ex, g.y.numel(), [=] __host__ __device__(long i) {
    const int ox = static_cast<int>(i % g.y.w);
    const int oy = static_cast<int>(i / g.y.w % g.y.h);
    const int co = static_cast<int>(i / g.y.plane() % g.y.c);
    const long b = i / g.y.per_image();
    const int group = co / cout_g;
    float s = 0.f;
    for (int cl = 0; cl < cin_g; cl++) {
      const float* xp = x + b * g.x.per_image() + (group * cin_g + cl) * g.x.plane();
      const float* wk = w + (static_cast<long>(co) * cin_g + cl) * g.k * g.k;
      for (int ky = 0; ky < g.k; ky++) {
        const int iy = oy * g.stride - g.pad + ky * g.dil;
        if (iy < 0 || iy >= g.x.h) continue;
        for (int kx = 0; kx < g.k; kx++) {
          const int ix = ox * g.stride - g.pad + kx * g.dil;
          if (ix < 0 || ix >= g.x.w) continue;
          s += xp[iy * g.x.w + ix] * wk[ky * g.k + kx];
        }
      }
    }
    y[i] = bias != nullptr ? s + bias[co] : s;
  });
}

void conv_add_bias(const Exec& ex, const ConvGeom& g, const float* bias, float* y) {
  for_each(ex, g.y.numel(), [=] __host__ __device__(long i) { y[i] += bias[i / g.y.plane() % g.y.c]; });
}

void conv_backward_data(const Exec& ex, const ConvGeom& g, const float* dy, const float* w, float* dx) {
  const int cin_g = g.x.c / g.groups;
  const int cout_g = g.y.c / g.groups;
  for_each(ex, g.x.numel(), [=] __host__ __device__(long i) {
    const int ix = static_cast<int>(i % g.x.w);
    const int iy = static_cast<int>(i / g.x.w % g.x.h);
    const int ci = static_cast<int>(i / g.x.plane() % g.x.c);
    const long b = i / g.x.per_image();
    const int group = ci / cin_g;
    const int cl = ci % cin_g;
    float s = 0.f;
    for (int co = group * cout_g; co < (group + 1) * cout_g; co++) {
      const float* dyp = dy + b * g.y.per_image() + co * g.y.plane();
      const float* wk = w + (static_cast<long>(co) * cin_g + cl) * g.k * g.k;
      for (int ky = 0; ky < g.k; ky++) {
        const int ty = iy + g.pad - ky * g.dil;
        if (ty < 0 || ty % g.stride != 0 || ty / g.stride >= g.y.h) continue;
        const int oy = ty / g.stride;
        for (int kx = 0; kx < g.k; kx++) {
          const int tx = ix + g.pad - kx * g.dil;
          if (tx < 0 || tx % g.stride != 0 || tx / g.stride >= g.y.w) continue;
          s += dyp[oy * g.y.w + tx / g.stride] * wk[ky * g.k + kx];
        }
      }
    }
    dx[i] += s;
  });
}

void conv_backward_weight(const Exec& ex, const ConvGeom& g, const float* x, const float* dy, float* dw, float* dbias,
                          float* scratch) {
  const int cin_g = g.x.c / g.groups;
  const int cout_g = g.y.c / g.groups;
  const long weights = static_cast<long>(g.y.c) * cin_g * g.k * g.k;
  const int images = g.x.n;
  if (dw != nullptr) {
    // Phase 1: scratch[b * weights + j] = the weight gradient of element j from image b alone.
    for_each(ex, weights * images, [=] __host__ __device__(long i) {
      const long j = i % weights;
      const long b = i / weights;
      const int kx = static_cast<int>(j % g.k);
      const int ky = static_cast<int>(j / g.k % g.k);
      const int cl = static_cast<int>(j / (g.k * g.k) % cin_g);
      const int co = static_cast<int>(j / (static_cast<long>(g.k) * g.k * cin_g));
      const float* xp = x + b * g.x.per_image() + (co / cout_g * cin_g + cl) * g.x.plane();
      const float* dyp = dy + b * g.y.per_image() + co * g.y.plane();
      float s = 0.f;
      for (int oy = 0; oy < g.y.h; oy++) {
        const int iy = oy * g.stride - g.pad + ky * g.dil;
        if (iy < 0 || iy >= g.x.h) continue;
        for (int ox = 0; ox < g.y.w; ox++) {
          const int ix = ox * g.stride - g.pad + kx * g.dil;
          if (ix < 0 || ix >= g.x.w) continue;
          s += xp[iy * g.x.w + ix] * dyp[oy * g.y.w + ox];
        }
      }
      scratch[i] = s;
    });
    // Phase 2: images summed in order.
    for_each(ex, weights, [=] __host__ __device__(long j) {
      float s = 0.f;
      for (int b = 0; b < images; b++) {
        s += scratch[b * weights + j];
      }
      dw[j] = s;
    });
  }
  if (dbias != nullptr) {
    for_each(ex, g.y.c, [=] __host__ __device__(long co) {
      float s = 0.f;
      for (int b = 0; b < images; b++) {
        const float* dyp = dy + b * g.y.per_image() + co * g.y.plane();
        for (long q = 0; q < g.y.plane(); q++) {
          s += dyp[q];
        }
      }
      dbias[co] = s;
    });
  }
}

}  // namespace eproxy
