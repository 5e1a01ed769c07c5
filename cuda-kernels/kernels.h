// The op kernels of the native executor, one family per file beside this header; forward and
// backward side by side. Every function only launches work on ex (asynchronous on the GPU); the
// executor resolves arena offsets into the pointers passed here. Semantics are those of the Java
// CPU backend (backend/cpu), which is the reference the tests compare against: backward kernels
// add into input gradients (+=) and write parameter gradients (=).
#ifndef EPROXY_KERNELS_H
#define EPROXY_KERNELS_H

#include "exec.h"

namespace eproxy {

// ---- conv.cu: torch.nn.Conv2d, direct (im2col-free) -------------------------------------------
struct ConvGeom {
  Dims x, y;
  int k, stride, pad, dil, groups;
};
// Floats of scratch conv_backward_weight needs: one partial weight gradient per image.
long conv_weight_scratch(const ConvGeom& g);
void conv_forward(const Exec& ex, const ConvGeom& g, const float* x, const float* w, const float* bias, float* y);
// y += bias[channel], after a convolution computed elsewhere (cuDNN).
void conv_add_bias(const Exec& ex, const ConvGeom& g, const float* bias, float* y);
void conv_backward_data(const Exec& ex, const ConvGeom& g, const float* dy, const float* w, float* dx);
void conv_backward_weight(const Exec& ex, const ConvGeom& g, const float* x, const float* dy, float* dw, float* dbias,
                          float* scratch);

// ---- batchnorm.cu: BatchNorm2d in training mode (batch statistics) ------------------------------
// Doubles of scratch either direction needs.
long batchnorm_scratch(const Dims& s);
// saved: mean[c], then 1/std[c]. gamma/beta null when not affine. relu: y = max(0, the batch
// norm's output), the forward of a ReLU fused into it; with relu_mask (a frozen pattern, as
// relu_forward's mask) the units where the mask is positive pass instead.
void batchnorm_forward(const Exec& ex, const Dims& s, float eps, const float* x, const float* gamma,
                       const float* beta, float* y, bool relu, const float* relu_mask, float* saved, double* scratch);
// dgamma/dbeta null when not affine (or frozen); dx null when the input needs no gradient.
// relu_y not null: a ReLU is fused in, dy is its output's gradient and relu_y its output, so the
// batch norm's own output gradient is dy where relu_y > 0, else 0.
void batchnorm_backward(const Exec& ex, const Dims& s, const float* x, const float* dy, const float* relu_y,
                        const float* saved, const float* gamma, float* dgamma, float* dbeta, float* dx,
                        double* scratch);

// ---- pointwise.cu: ReLU, copies, sums, zero, SGD ------------------------------------------------
// mask (null, or a frozen pattern: a copy of an earlier output) decides which units pass instead of x's sign.
void relu_forward(const Exec& ex, long n, const float* x, const float* mask, float* y);
void relu_backward(const Exec& ex, long n, const float* y, const float* dy, float* dx);
void fill_zero(const Exec& ex, long n, float* y);
void copy(const Exec& ex, long n, const float* x, float* y);
void accumulate(const Exec& ex, long n, const float* x, float* y);
// Per image b < images: dst[b * dst_stride + i] (=, or += when add) src[b * src_stride + i], i < count.
void copy_blocks(const Exec& ex, int images, long count, const float* src, long src_stride, float* dst,
                 long dst_stride, bool add);
// torch.optim.SGD (dampening 0, no Nesterov): d = g + wd p; m = mu m + d; p -= lr m.
void sgd_step(const Exec& ex, long n, float* p, float* m, const float* g, float lr, float mu, float wd);
// (*counter)++, on the stream: loss kernels write at *counter, so one captured iteration replays as is.
void increment(const Exec& ex, int* counter);

// ---- pool.cu: AvgPool2d(count_include_pad=False), MaxPool2d (first maximum wins) -----------------
struct PoolGeom {
  Dims x, y;
  int k, stride, pad;
  bool max;
};
// choice (max pools; null, or a frozen pattern from max_pool_choices) replaces each window's arg-max.
void pool_forward(const Exec& ex, const PoolGeom& g, const float* x, const int* choice, float* y);
void pool_backward(const Exec& ex, const PoolGeom& g, const float* x, const int* choice, const float* dy, float* dx);
// choice[i] = the index in its plane of output i's window arg-max.
void max_pool_choices(const Exec& ex, const PoolGeom& g, const float* x, int* choice);

// ---- resize.cu: F.interpolate(mode='nearest') ----------------------------------------------------
void resize_forward(const Exec& ex, const Dims& x, const Dims& y, const float* in, float* out);
void resize_backward(const Exec& ex, const Dims& x, const Dims& y, const float* dy, float* dx);

// ---- loss.cu: MSE (mean), softmax cross-entropy (soft targets, mean over the batch), dot ---------
enum class LossKind { MSE, CROSS_ENTROPY, DOT };
// Doubles of scratch a loss value needs.
long loss_scratch(LossKind kind, const Dims& pred);
// Writes the loss of pred against t to values[*counter * stride + slot].
void loss_value(const Exec& ex, LossKind kind, const Dims& pred, const float* x, const float* t, double* scratch,
                double* values, const int* counter, int stride, int slot);
void loss_backward(const Exec& ex, LossKind kind, const Dims& pred, const float* x, const float* t, float* dx);

}  // namespace eproxy

#endif  // EPROXY_KERNELS_H
