// SGD with momentum and weight decay over one flat parameter buffer, in one launch.
// Spec: torch.optim.SGD (dampening 0, nesterov off), https://pytorch.org/docs/stable/generated/torch.optim.SGD.html
//   d = g + weight_decay * p;  m = momentum * m + d;  p -= lr * m     (m starts at zero)
// Layout: p, m, g are float[n], trainable parameters only (the plan puts them first).
// Launch: grid-stride loop, 256 threads per block; the op is memory bound, any block size that
// fills the SMs does.
#include <cstdio>
#include <cuda_runtime.h>

#include "eproxy_native.h"

namespace {

__global__ void sgd_kernel(float* p, float* m, const float* g, long n, float lr, float momentum, float wd) {
  for (long i = blockIdx.x * static_cast<long>(blockDim.x) + threadIdx.x; i < n; i += static_cast<long>(gridDim.x) * blockDim.x) {
    float d = g[i] + wd * p[i];
    float v = momentum * m[i] + d;
    m[i] = v;
    p[i] -= lr * v;
  }
}

eproxy_status check(cudaError_t e, const char* call, char* err, int err_len) {
  if (e == cudaSuccess) {
    return EPROXY_OK;
  }
  if (err != nullptr && err_len > 0) {
    std::snprintf(err, static_cast<size_t>(err_len), "%s failed: %s", call, cudaGetErrorString(e));
  }
  return e == cudaErrorMemoryAllocation ? EPROXY_OUT_OF_MEMORY : EPROXY_CUDA_ERROR;
}

}  // namespace

extern "C" eproxy_status eproxy_sgd_step(float* p, float* m, const float* g, long n, float lr, float momentum,
                                         float weight_decay, char* err, int err_len) {
  if (n <= 0) {
    return EPROXY_OK;
  }
  const int block = 256;
  long blocks = (n + block - 1) / block;
  int grid = static_cast<int>(blocks < 65535 ? blocks : 65535);
  sgd_kernel<<<grid, block>>>(p, m, g, n, lr, momentum, weight_decay);
  eproxy_status s = check(cudaGetLastError(), "sgd_kernel launch", err, err_len);
  if (s != EPROXY_OK) {
    return s;
  }
  return check(cudaDeviceSynchronize(), "cudaDeviceSynchronize after sgd_kernel", err, err_len);
}
