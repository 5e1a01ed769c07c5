// cuDNN for the convolutions where it is faster than the hand-written kernels (conv.cu), chosen
// per layer shape and direction by measurement. The first executor of the process that meets a
// shape times both on scratch buffers (cudnnFind*AlgorithmEx for cuDNN: the fastest algorithm that
// is deterministic, uses plain fp32 FMA, so no TF32, and sums the products directly, so no FFT or
// Winograd) and records the result for every executor and on disk (conv_cache.h);
// conv_report() lists the choices. Only on the GPU, and only outside graph capture: prepare() runs
// before a plan's first iteration, and the convolutions themselves are captured like any kernel.
#ifndef EPROXY_CONV_CUDNN_H
#define EPROXY_CONV_CUDNN_H

#include <map>
#include <string>

#include "conv_cache.h"
#include "cudnn_api.h"
#include "kernels.h"

namespace eproxy {

enum ConvDirection { CONV_FORWARD = 0, CONV_DATA = 1, CONV_WEIGHT = 2 };

// One executor's cuDNN state: handle (on the executor's stream), descriptors per shape, workspace.
class CudnnConvs {
 public:
  CudnnConvs(const CudnnApi& api, cudaStream_t stream);
  ~CudnnConvs();
  CudnnConvs(const CudnnConvs&) = delete;
  CudnnConvs& operator=(const CudnnConvs&) = delete;

  // Describes g and makes sure it has been measured; returns the workspace bytes g can need.
  // own_scratch: conv_weight_scratch(g) floats for the hand-written weight gradient.
  size_t prepare(const Exec& ex, const ConvGeom& g, float* own_scratch);

  // Whether cuDNN runs direction d of g (prepared) under the current conv_mode().
  bool uses(const ConvGeom& g, ConvDirection d) const;

  // y = conv(x, w); dx += data gradient; dw = weight gradient (bias is left to conv.cu).
  void forward(const ConvGeom& g, const float* x, const float* w, float* y, void* workspace, size_t bytes);
  void backward_data(const ConvGeom& g, const float* dy, const float* w, float* dx, void* workspace, size_t bytes);
  void backward_weight(const ConvGeom& g, const float* x, const float* dy, float* dw, void* workspace, size_t bytes);

 private:
  struct Described {
    cudnnTensorDesc x = nullptr, y = nullptr;
    cudnnFilterDesc w = nullptr;
    cudnnConvDesc conv = nullptr;
    ConvTiming timing{};
  };
  static ConvKey key(const ConvGeom& g);
  void destroy(Described& d) const;
  // false if cuDNN refuses any part (n then holds what was made, for destroy)
  bool describe_shape(Described& n, const ConvGeom& g) const;
  const Described& described(const ConvGeom& g) const;
  void check(cudnnStatus s, const char* call, const ConvGeom& g) const;
  ConvTiming measure(const Exec& ex, const ConvGeom& g, const Described& d, float* own_scratch);

  const CudnnApi& api_;
  cudnnHandle handle_ = nullptr;
  std::map<ConvKey, Described> shapes_;
};

// The convolutions' engine in words: whether cuDNN is loaded (its version, or why not), the mode,
// and per measured shape the times of both and which one runs.
std::string conv_report();

}  // namespace eproxy

#endif  // EPROXY_CONV_CUDNN_H
