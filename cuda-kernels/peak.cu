// The device's attainable fp32 rate and memory bandwidth, measured rather than taken from a data
// sheet: the floor a training run is compared against (BENCHMARKS.md). FMA: every thread runs
// 8 independent multiply-add chains in registers; bandwidth: a float4 copy of 512 MiB (bytes read
// plus bytes written). Each is timed with CUDA events over several repetitions, the best kept.
#include <cstdio>
#include <cuda_runtime.h>

#include "eproxy_native.h"

namespace {

constexpr int FMA_STEPS = 4096;

__global__ void fma_kernel(float* out, float a, float b) {
  float x[8];
  for (int j = 0; j < 8; j++) x[j] = threadIdx.x * 1e-3f + j;
  for (int i = 0; i < FMA_STEPS; i++) {
#pragma unroll
    for (int j = 0; j < 8; j++) x[j] = fmaf(x[j], a, b);
  }
  float s = 0.f;
  for (int j = 0; j < 8; j++) s += x[j];
  if (s == 12345.f) out[0] = s;  // keeps the chains alive; practically never stores
}

__global__ void copy_kernel(const float4* in, float4* out, long n) {
  for (long i = blockIdx.x * static_cast<long>(blockDim.x) + threadIdx.x; i < n; i += static_cast<long>(gridDim.x) * blockDim.x) {
    out[i] = in[i];
  }
}

#define PEAK_CHECK(call)                                                                                   \
  do {                                                                                                     \
    cudaError_t e_ = (call);                                                                               \
    if (e_ != cudaSuccess) {                                                                               \
      if (err != nullptr && err_len > 0) std::snprintf(err, err_len, "%s failed: %s", #call, cudaGetErrorString(e_)); \
      status = e_ == cudaErrorMemoryAllocation ? EPROXY_OUT_OF_MEMORY : EPROXY_CUDA_ERROR;                 \
      goto done;                                                                                           \
    }                                                                                                      \
  } while (0)

}  // namespace

extern "C" eproxy_status eproxy_device_peak(double* gflops, double* gbytes_per_s, char* err, int err_len) {
  eproxy_status status = EPROXY_OK;
  const long floats = 128L << 20;  // 512 MiB per buffer
  float* a = nullptr;
  float* b = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
  int sms = 0;
  float ms = 0.f;
  double best_flops = 0, best_bw = 0;
  *gflops = 0;
  *gbytes_per_s = 0;
  PEAK_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
  PEAK_CHECK(cudaEventCreate(&start));
  PEAK_CHECK(cudaEventCreate(&stop));
  PEAK_CHECK(cudaMalloc(&a, floats * sizeof(float)));
  PEAK_CHECK(cudaMalloc(&b, floats * sizeof(float)));
  PEAK_CHECK(cudaMemset(a, 0, floats * sizeof(float)));
  for (int rep = 0; rep < 5; rep++) {
    const int blocks = sms * 8, threads = 256;
    PEAK_CHECK(cudaEventRecord(start));
    fma_kernel<<<blocks, threads>>>(b, 0.999f, 1e-3f);
    PEAK_CHECK(cudaGetLastError());
    PEAK_CHECK(cudaEventRecord(stop));
    PEAK_CHECK(cudaEventSynchronize(stop));
    PEAK_CHECK(cudaEventElapsedTime(&ms, start, stop));
    double flops = 2.0 * 8 * FMA_STEPS * static_cast<double>(blocks) * threads;
    if (rep > 0 && flops / (ms * 1e6) > best_flops) best_flops = flops / (ms * 1e6);
    PEAK_CHECK(cudaEventRecord(start));
    copy_kernel<<<sms * 16, 256>>>(reinterpret_cast<const float4*>(a), reinterpret_cast<float4*>(b), floats / 4);
    PEAK_CHECK(cudaGetLastError());
    PEAK_CHECK(cudaEventRecord(stop));
    PEAK_CHECK(cudaEventSynchronize(stop));
    PEAK_CHECK(cudaEventElapsedTime(&ms, start, stop));
    double bytes = 2.0 * floats * sizeof(float);
    if (rep > 0 && bytes / (ms * 1e6) > best_bw) best_bw = bytes / (ms * 1e6);
  }
  *gflops = best_flops;
  *gbytes_per_s = best_bw;
done:
  if (a != nullptr) cudaFree(a);
  if (b != nullptr) cudaFree(b);
  if (start != nullptr) cudaEventDestroy(start);
  if (stop != nullptr) cudaEventDestroy(stop);
  return status;
}
