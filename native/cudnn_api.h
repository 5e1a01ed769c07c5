// cuDNN, loaded at run time. The build machine has neither cudnn.h nor libcudnn, so the few types,
// constants and entry points the convolutions use are declared here, as NVIDIA's cuDNN 9 API
// reference documents them (the legacy convolution API, present in cuDNN 7 to 9), and resolved
// with dlopen/dlsym. Without cuDNN the executor keeps its hand-written kernels.
#ifndef EPROXY_CUDNN_API_H
#define EPROXY_CUDNN_API_H

#include <cstddef>
#include <string>

#include <cuda_runtime.h>

namespace eproxy {

using cudnnHandle = struct cudnnContext*;
using cudnnTensorDesc = struct cudnnTensorStruct*;
using cudnnFilterDesc = struct cudnnFilterStruct*;
using cudnnConvDesc = struct cudnnConvolutionStruct*;
using cudnnStatus = int;

enum : int {
  CUDNN_OK = 0,                    // CUDNN_STATUS_SUCCESS
  CUDNN_NCHW = 0,                  // CUDNN_TENSOR_NCHW
  CUDNN_FLOAT = 0,                 // CUDNN_DATA_FLOAT
  CUDNN_CROSS_CORRELATION_MODE = 1,  // CUDNN_CROSS_CORRELATION: torch's Conv2d
  CUDNN_FMA = 3,                   // CUDNN_FMA_MATH: plain fp32 FMA, no TF32 tensor cores
  CUDNN_IS_DETERMINISTIC = 1       // CUDNN_DETERMINISTIC
};

// cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t share this layout.
struct CudnnAlgoPerf {
  int algo;
  cudnnStatus status;
  float time;  // milliseconds
  size_t memory;
  int determinism;
  int math_type;
  int reserved[3];
};

struct CudnnApi {
  size_t (*GetVersion)();
  const char* (*GetErrorString)(cudnnStatus);
  cudnnStatus (*Create)(cudnnHandle*);
  cudnnStatus (*Destroy)(cudnnHandle);
  cudnnStatus (*SetStream)(cudnnHandle, cudaStream_t);
  cudnnStatus (*CreateTensorDescriptor)(cudnnTensorDesc*);
  cudnnStatus (*SetTensor4dDescriptor)(cudnnTensorDesc, int format, int type, int n, int c, int h, int w);
  cudnnStatus (*DestroyTensorDescriptor)(cudnnTensorDesc);
  cudnnStatus (*CreateFilterDescriptor)(cudnnFilterDesc*);
  cudnnStatus (*SetFilter4dDescriptor)(cudnnFilterDesc, int type, int format, int k, int c, int h, int w);
  cudnnStatus (*DestroyFilterDescriptor)(cudnnFilterDesc);
  cudnnStatus (*CreateConvolutionDescriptor)(cudnnConvDesc*);
  cudnnStatus (*SetConvolution2dDescriptor)(cudnnConvDesc, int pad_h, int pad_w, int u, int v, int dilation_h,
                                            int dilation_w, int mode, int compute_type);
  cudnnStatus (*SetConvolutionGroupCount)(cudnnConvDesc, int groups);
  cudnnStatus (*SetConvolutionMathType)(cudnnConvDesc, int math_type);
  cudnnStatus (*DestroyConvolutionDescriptor)(cudnnConvDesc);
  cudnnStatus (*FindConvolutionForwardAlgorithmEx)(cudnnHandle, cudnnTensorDesc, const void* x, cudnnFilterDesc,
                                                   const void* w, cudnnConvDesc, cudnnTensorDesc, void* y, int requested,
                                                   int* returned, CudnnAlgoPerf* results, void* workspace,
                                                   size_t workspace_bytes);
  cudnnStatus (*FindConvolutionBackwardDataAlgorithmEx)(cudnnHandle, cudnnFilterDesc, const void* w, cudnnTensorDesc,
                                                        const void* dy, cudnnConvDesc, cudnnTensorDesc, void* dx,
                                                        int requested, int* returned, CudnnAlgoPerf* results,
                                                        void* workspace, size_t workspace_bytes);
  cudnnStatus (*FindConvolutionBackwardFilterAlgorithmEx)(cudnnHandle, cudnnTensorDesc, const void* x, cudnnTensorDesc,
                                                          const void* dy, cudnnConvDesc, cudnnFilterDesc, void* dw,
                                                          int requested, int* returned, CudnnAlgoPerf* results,
                                                          void* workspace, size_t workspace_bytes);
  cudnnStatus (*ConvolutionForward)(cudnnHandle, const void* alpha, cudnnTensorDesc, const void* x, cudnnFilterDesc,
                                    const void* w, cudnnConvDesc, int algo, void* workspace, size_t workspace_bytes,
                                    const void* beta, cudnnTensorDesc, void* y);
  cudnnStatus (*ConvolutionBackwardData)(cudnnHandle, const void* alpha, cudnnFilterDesc, const void* w,
                                         cudnnTensorDesc, const void* dy, cudnnConvDesc, int algo, void* workspace,
                                         size_t workspace_bytes, const void* beta, cudnnTensorDesc, void* dx);
  cudnnStatus (*ConvolutionBackwardFilter)(cudnnHandle, const void* alpha, cudnnTensorDesc, const void* x,
                                           cudnnTensorDesc, const void* dy, cudnnConvDesc, int algo, void* workspace,
                                           size_t workspace_bytes, const void* beta, cudnnFilterDesc, void* dw);
};

// How the executor's convolutions run on the GPU (EPROXY_CONV_* in eproxy_native.h).
enum class ConvMode { OWN = 0, MEASURED = 1, CUDNN = 2 };
ConvMode conv_mode();
void set_conv_mode(ConvMode mode);

// The loaded API, or null with the reason in *why_not: EPROXY_CUDNN=0 in the environment, or no
// libcudnn.so.9 (or .8) on the library path, or an entry point missing. Loaded once per process.
const CudnnApi* cudnn_api(std::string* why_not);

// Stops using cuDNN in this process (it loaded, but cannot work here); cudnn_api() returns null
// from then on, with why.
void cudnn_unusable(const std::string& why);

}  // namespace eproxy

#endif  // EPROXY_CUDNN_API_H
