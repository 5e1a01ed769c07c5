// Where a kernel runs, and the one launcher every op uses. Each kernel body is a
// __host__ __device__ lambda over a flat index: on the GPU it is a grid-stride CUDA kernel on the
// executor's stream; on the host (Where::HOST) the same body runs as a plain loop. The host path
// is how the native executor is tested on machines without a GPU: every index computation,
// arena offset and op sequence is the code the GPU runs, only the launch differs.
#ifndef EPROXY_LAUNCH_CUH
#define EPROXY_LAUNCH_CUH

#include "exec.h"

namespace eproxy {

template <class F>
__global__ void for_each_kernel(long n, F f) {
  for (long i = blockIdx.x * static_cast<long>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<long>(gridDim.x) * blockDim.x) {
    f(i);
  }
}

// Runs f(i) for i in [0, n). Launch errors are collected by the executor after each op
// (cudaGetLastError), where the op's name is known.
template <class F>
void for_each(const Exec& ex, long n, F f) {
  if (n <= 0) {
    return;
  }
  if (ex.where == Where::HOST) {
    for (long i = 0; i < n; i++) {
      f(i);
    }
    return;
  }
  const int block = 256;
  long blocks = (n + block - 1) / block;
  // 132 SMs x 16 resident blocks of 256 threads cover an H200; more blocks only loop.
  const long max_blocks = 132L * 16;
  for_each_kernel<<<static_cast<unsigned>(blocks < max_blocks ? blocks : max_blocks), block, 0, ex.stream>>>(n, f);
}

// Reductions are two-phase so that results do not depend on scheduling: each of `parts` chunks of
// a row is summed sequentially (in double), then the chunks are summed in order.
__host__ __device__ inline long chunk_lo(long total, long part, long parts) { return total * part / parts; }

}  // namespace eproxy

#endif  // EPROXY_LAUNCH_CUH
