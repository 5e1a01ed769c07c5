// Where the executor runs and the shapes kernels take: plain C++ so that host-only code (the plan
// decoder, the C API) can include it; launch.cuh adds the launcher for the .cu files.
#ifndef EPROXY_EXEC_H
#define EPROXY_EXEC_H

#include <cuda_runtime.h>

namespace eproxy {

enum class Where { HOST, DEVICE };

struct Exec {
  Where where;
  cudaStream_t stream;
};

struct Dims {
  int n, c, h, w;
  __host__ __device__ long plane() const { return static_cast<long>(h) * w; }
  __host__ __device__ long per_image() const { return c * plane(); }
  __host__ __device__ long numel() const { return n * per_image(); }
};

}  // namespace eproxy

#endif  // EPROXY_EXEC_H
