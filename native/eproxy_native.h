// The C ABI of the Eproxy native library: the only header the Java bridge sees.
// Every entry point returns a status and never exits; on failure it writes a message
// (the failing call, file:line) into err (at most err_len bytes, NUL-terminated).
#ifndef EPROXY_NATIVE_H
#define EPROXY_NATIVE_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  EPROXY_OK = 0,
  EPROXY_INVALID_PLAN = 1,
  EPROXY_OUT_OF_MEMORY = 2,
  EPROXY_NO_DEVICE = 3,
  EPROXY_CUDA_ERROR = 4,
  EPROXY_CUDNN_ERROR = 5
} eproxy_status;

// Number of CUDA devices visible to this process. No driver or no device: EPROXY_NO_DEVICE
// with the CUDA runtime's reason in err ("CUDA driver version is insufficient ...").
eproxy_status eproxy_device_count(int* count, char* err, int err_len);

// One torch.optim.SGD step over n parameters on the device (momentum buffer m, gradient g):
// d = g + weight_decay * p; m = momentum * m + d; p -= lr * m. Synchronous; for tests.
eproxy_status eproxy_sgd_step(float* p, float* m, const float* g, long n, float lr, float momentum,
                              float weight_decay, char* err, int err_len);

#ifdef __cplusplus
}
#endif

#endif  // EPROXY_NATIVE_H
