// Device discovery and the status plumbing shared by the entry points.
#include <cstdio>
#include <cstring>
#include <cuda_runtime.h>
#include <dlfcn.h>

#include "eproxy_native.h"

namespace {

eproxy_status fail(eproxy_status status, const char* call, cudaError_t e, const char* file, int line,
                   char* err, int err_len) {
  if (err != nullptr && err_len > 0) {
    const char* base = std::strrchr(file, '/');
    std::snprintf(err, static_cast<size_t>(err_len), "%s failed at %s:%d: %s", call, base != nullptr ? base + 1 : file, line,
                  cudaGetErrorString(e));
  }
  return status;
}

// The static runtime reports a missing driver as "driver version is insufficient"; say which it is.
bool driver_loadable() {
  void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
  if (driver == nullptr) {
    return false;
  }
  dlclose(driver);
  return true;
}

}  // namespace

extern "C" eproxy_status eproxy_device_count(int* count, char* err, int err_len) {
  *count = 0;
  cudaError_t e = cudaGetDeviceCount(count);
  if (e == cudaErrorInsufficientDriver && !driver_loadable()) {
    *count = 0;
    if (err != nullptr && err_len > 0) {
      std::snprintf(err, static_cast<size_t>(err_len), "no NVIDIA driver on this machine (libcuda.so.1 cannot be loaded)");
    }
    return EPROXY_NO_DEVICE;
  }
  if (e == cudaErrorNoDevice || e == cudaErrorInsufficientDriver) {
    *count = 0;
    return fail(EPROXY_NO_DEVICE, "cudaGetDeviceCount", e, __FILE__, __LINE__, err, err_len);
  }
  if (e != cudaSuccess) {
    return fail(EPROXY_CUDA_ERROR, "cudaGetDeviceCount", e, __FILE__, __LINE__, err, err_len);
  }
  return EPROXY_OK;
}

extern "C" eproxy_status eproxy_device_memory(long* free_bytes, long* total_bytes, char* err, int err_len) {
  size_t free_b = 0;
  size_t total_b = 0;
  cudaError_t e = cudaMemGetInfo(&free_b, &total_b);
  *free_bytes = static_cast<long>(free_b);
  *total_bytes = static_cast<long>(total_b);
  if (e != cudaSuccess) {
    return fail(EPROXY_CUDA_ERROR, "cudaMemGetInfo", e, __FILE__, __LINE__, err, err_len);
  }
  return EPROXY_OK;
}
