// cuDNN convolutions chosen by measurement: see conv_cudnn.h.
#include "conv_cudnn.h"

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <vector>

#include "plan.h"

namespace eproxy {

namespace {

// Shapes measured by any executor of the process or read from disk, and what was measured.
std::mutex measured_lock;
ConvCache measured;

constexpr int ALGOS = 16;                              // more than any cuDNN version offers per direction
constexpr size_t FIND_WORKSPACE = 256UL * 1024 * 1024;  // algorithms needing more are not tried

std::string describe(const ConvGeom& g) {
  char s[160];
  std::snprintf(s, sizeof s, "%dx%dx%dx%d -> %dx%dx%dx%d k%d s%d p%d d%d g%d", g.x.n, g.x.c, g.x.h, g.x.w, g.y.n, g.y.c,
                g.y.h, g.y.w, g.k, g.stride, g.pad, g.dil, g.groups);
  return s;
}

long weight_count(const ConvGeom& g) { return static_cast<long>(g.y.c) * (g.x.c / g.groups) * g.k * g.k; }

// Device buffers for one measurement, freed however it ends.
struct Scratch {
  std::vector<void*> blocks;
  ~Scratch() {
    for (void* p : blocks) cudaFree(p);
  }
  template <class T>
  T* get(size_t bytes, cudaStream_t stream) {
    void* p = nullptr;
    cudaError_t e = cudaMalloc(&p, bytes);
    if (e != cudaSuccess) {
      cudaGetLastError();
      throw NativeError(e == cudaErrorMemoryAllocation ? EPROXY_OUT_OF_MEMORY : EPROXY_CUDA_ERROR,
                        "cudaMalloc of " + std::to_string(bytes) + " bytes to measure a convolution failed: " +
                            cudaGetErrorString(e));
    }
    blocks.push_back(p);
    cudaMemsetAsync(p, 0, bytes, stream);
    return static_cast<T*>(p);
  }
};

// Per direction, the algorithms that sum products directly (implicit or explicit GEMM, direct):
// FFT and Winograd transform the operands first and round differently from the CPU engine, which
// ten steps at lr 1.2 would amplify. Bit i stands for algorithm i of cudnnConvolution{Fwd,BwdData,
// BwdFilter}Algo_t: forward IMPLICIT_GEMM, IMPLICIT_PRECOMP_GEMM, GEMM, DIRECT (0-3); data ALGO_0,
// ALGO_1 (0-1); filter ALGO_0, ALGO_1, ALGO_3 (0, 1, 3).
constexpr unsigned DIRECT_SUMS[3] = {0xFu, 0x3u, 0xBu};

// The fastest deterministic plain-FMA direct-sum algorithm among the results of a cudnnFind* call
// (sorted by time) that returned status; none if it failed.
void pick(cudnnStatus status, const CudnnAlgoPerf* perf, int n, ConvTiming& t, ConvDirection d) {
  t.cudnn_ms[d] = -1.f;
  for (int i = 0; status == CUDNN_OK && i < n; i++) {
    const bool direct = perf[i].algo >= 0 && perf[i].algo < 32 && (DIRECT_SUMS[d] >> perf[i].algo & 1u);
    if (perf[i].status == CUDNN_OK && direct && perf[i].determinism == CUDNN_IS_DETERMINISTIC &&
        perf[i].math_type == CUDNN_FMA) {
      t.cudnn_ms[d] = perf[i].time;
      t.algo[d] = perf[i].algo;
      t.memory[d] = perf[i].memory;
      return;
    }
  }
}

bool cudnn_runs(const ConvTiming& t, ConvDirection d) {
  switch (conv_mode()) {
    case ConvMode::CUDNN:
      return t.cudnn_ms[d] >= 0.f;
    case ConvMode::MEASURED:
      return t.cudnn_ms[d] >= 0.f && t.cudnn_ms[d] < t.own_ms[d];
    default:
      return false;
  }
}

}  // namespace

CudnnConvs::CudnnConvs(const CudnnApi& api, cudaStream_t stream) : api_(api) {
  cudnnStatus s = api_.Create(&handle_);
  if (s != CUDNN_OK) {
    handle_ = nullptr;
    throw NativeError(EPROXY_CUDNN_ERROR, std::string("cudnnCreate failed: ") + api_.GetErrorString(s));
  }
  s = api_.SetStream(handle_, stream);
  if (s != CUDNN_OK) {
    api_.Destroy(handle_);
    throw NativeError(EPROXY_CUDNN_ERROR, std::string("cudnnSetStream failed: ") + api_.GetErrorString(s));
  }
}

CudnnConvs::~CudnnConvs() {
  for (auto& [key, d] : shapes_) destroy(d);
  if (handle_ != nullptr) api_.Destroy(handle_);
}

void CudnnConvs::destroy(Described& d) const {
  if (d.x != nullptr) api_.DestroyTensorDescriptor(d.x);
  if (d.y != nullptr) api_.DestroyTensorDescriptor(d.y);
  if (d.w != nullptr) api_.DestroyFilterDescriptor(d.w);
  if (d.conv != nullptr) api_.DestroyConvolutionDescriptor(d.conv);
}

ConvKey CudnnConvs::key(const ConvGeom& g) {
  return {g.x.n, g.x.c, g.x.h, g.x.w, g.y.n, g.y.c, g.y.h, g.y.w, g.k, g.stride, g.pad, g.dil, g.groups};
}

void CudnnConvs::check(cudnnStatus s, const char* call, const ConvGeom& g) const {
  if (s != CUDNN_OK) {
    throw NativeError(EPROXY_CUDNN_ERROR, std::string(call) + " for conv " + describe(g) + " failed: " + api_.GetErrorString(s));
  }
}

const CudnnConvs::Described& CudnnConvs::described(const ConvGeom& g) const {
  auto it = shapes_.find(key(g));
  if (it == shapes_.end()) {
    throw NativeError(EPROXY_CUDNN_ERROR, "conv " + describe(g) + " was not prepared for cuDNN");
  }
  return it->second;
}

bool CudnnConvs::describe_shape(Described& n, const ConvGeom& g) const {
  return api_.CreateTensorDescriptor(&n.x) == CUDNN_OK &&
         api_.SetTensor4dDescriptor(n.x, CUDNN_NCHW, CUDNN_FLOAT, g.x.n, g.x.c, g.x.h, g.x.w) == CUDNN_OK &&
         api_.CreateTensorDescriptor(&n.y) == CUDNN_OK &&
         api_.SetTensor4dDescriptor(n.y, CUDNN_NCHW, CUDNN_FLOAT, g.y.n, g.y.c, g.y.h, g.y.w) == CUDNN_OK &&
         api_.CreateFilterDescriptor(&n.w) == CUDNN_OK &&
         api_.SetFilter4dDescriptor(n.w, CUDNN_FLOAT, CUDNN_NCHW, g.y.c, g.x.c / g.groups, g.k, g.k) == CUDNN_OK &&
         api_.CreateConvolutionDescriptor(&n.conv) == CUDNN_OK &&
         api_.SetConvolution2dDescriptor(n.conv, g.pad, g.pad, g.stride, g.stride, g.dil, g.dil,
                                         CUDNN_CROSS_CORRELATION_MODE, CUDNN_FLOAT) == CUDNN_OK &&
         api_.SetConvolutionGroupCount(n.conv, g.groups) == CUDNN_OK &&
         api_.SetConvolutionMathType(n.conv, CUDNN_FMA) == CUDNN_OK;
}

size_t CudnnConvs::prepare(const Exec& ex, const ConvGeom& g, float* own_scratch) {
  const ConvKey k = key(g);
  auto it = shapes_.find(k);
  if (it == shapes_.end()) {
    Described n;
    if (!describe_shape(n, g)) {
      destroy(n);  // a shape cuDNN cannot describe: the hand-written kernels run it
      n = Described{};
      for (int d = 0; d < 3; d++) n.timing.cudnn_ms[d] = -1.f;
    } else {
      try {
        std::lock_guard<std::mutex> hold(measured_lock);  // one measurement at a time: the others wait for it
        measured.open(api_.GetVersion());
        auto m = measured.entries.find(k);
        if (m != measured.entries.end()) {
          n.timing = m->second;
        } else {
          n.timing = measure(ex, g, n, own_scratch);
          measured.add(k, n.timing);
        }
      } catch (...) {
        destroy(n);
        throw;
      }
    }
    it = shapes_.emplace(k, n).first;
  }
  size_t bytes = 0;
  for (int d = 0; d < 3; d++) {
    if (it->second.timing.cudnn_ms[d] >= 0.f) bytes = std::max(bytes, it->second.timing.memory[d]);
  }
  return bytes;
}

ConvTiming CudnnConvs::measure(const Exec& ex, const ConvGeom& g, const Described& d, float* own_scratch) {
  ConvTiming t{};
  Scratch s;
  const size_t xb = g.x.numel() * 4UL, yb = g.y.numel() * 4UL, wb = weight_count(g) * 4UL;
  float* x = s.get<float>(xb, ex.stream);
  float* w = s.get<float>(wb, ex.stream);
  float* y = s.get<float>(yb, ex.stream);
  float* dy = s.get<float>(yb, ex.stream);
  float* dx = s.get<float>(xb, ex.stream);
  float* dw = s.get<float>(wb, ex.stream);
  void* workspace = s.get<char>(FIND_WORKSPACE, ex.stream);

  cudaEvent_t start = nullptr, stop = nullptr;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  auto own = [&](auto launch) {
    launch();  // warm-up
    const int reps = 3;
    cudaEventRecord(start, ex.stream);
    for (int r = 0; r < reps; r++) launch();
    cudaEventRecord(stop, ex.stream);
    cudaError_t e = cudaEventSynchronize(stop);
    float ms = 0.f;
    if (e == cudaSuccess) e = cudaEventElapsedTime(&ms, start, stop);
    if (e != cudaSuccess) {
      cudaEventDestroy(start);
      cudaEventDestroy(stop);
      throw NativeError(EPROXY_CUDA_ERROR, "timing the hand-written conv " + describe(g) + " failed: " + cudaGetErrorString(e));
    }
    return ms / reps;
  };
  t.own_ms[CONV_FORWARD] = own([&] { conv_forward(ex, g, x, w, nullptr, y); });
  t.own_ms[CONV_DATA] = own([&] { conv_backward_data(ex, g, dy, w, dx); });
  t.own_ms[CONV_WEIGHT] = own([&] { conv_backward_weight(ex, g, x, dy, dw, nullptr, own_scratch); });
  cudaEventDestroy(start);
  cudaEventDestroy(stop);

  // A shape cuDNN refuses is not an error: the hand-written kernels run it.
  CudnnAlgoPerf perf[ALGOS];
  int n = 0;
  pick(api_.FindConvolutionForwardAlgorithmEx(handle_, d.x, x, d.w, w, d.conv, d.y, y, ALGOS, &n, perf, workspace,
                                              FIND_WORKSPACE),
       perf, n, t, CONV_FORWARD);
  pick(api_.FindConvolutionBackwardDataAlgorithmEx(handle_, d.w, w, d.y, dy, d.conv, d.x, dx, ALGOS, &n, perf, workspace,
                                                   FIND_WORKSPACE),
       perf, n, t, CONV_DATA);
  pick(api_.FindConvolutionBackwardFilterAlgorithmEx(handle_, d.x, x, d.y, dy, d.conv, d.w, dw, ALGOS, &n, perf,
                                                     workspace, FIND_WORKSPACE),
       perf, n, t, CONV_WEIGHT);
  cudaError_t e = cudaStreamSynchronize(ex.stream);
  if (e != cudaSuccess) {
    throw NativeError(EPROXY_CUDA_ERROR, "measuring conv " + describe(g) + " failed: " + cudaGetErrorString(e));
  }
  return t;
}

bool CudnnConvs::uses(const ConvGeom& g, ConvDirection d) const {
  auto it = shapes_.find(key(g));
  return it != shapes_.end() && cudnn_runs(it->second.timing, d);
}

void CudnnConvs::forward(const ConvGeom& g, const float* x, const float* w, float* y, void* workspace, size_t bytes) {
  const Described& d = described(g);
  const float one = 1.f, zero = 0.f;
  check(api_.ConvolutionForward(handle_, &one, d.x, x, d.w, w, d.conv, d.timing.algo[CONV_FORWARD], workspace, bytes, &zero,
                                d.y, y),
        "cudnnConvolutionForward", g);
}

void CudnnConvs::backward_data(const ConvGeom& g, const float* dy, const float* w, float* dx, void* workspace, size_t bytes) {
  const Described& d = described(g);
  const float one = 1.f;  // beta 1: input gradients accumulate
  check(api_.ConvolutionBackwardData(handle_, &one, d.w, w, d.y, dy, d.conv, d.timing.algo[CONV_DATA], workspace, bytes,
                                     &one, d.x, dx),
        "cudnnConvolutionBackwardData", g);
}

void CudnnConvs::backward_weight(const ConvGeom& g, const float* x, const float* dy, float* dw, void* workspace,
                                 size_t bytes) {
  const Described& d = described(g);
  const float one = 1.f, zero = 0.f;
  check(api_.ConvolutionBackwardFilter(handle_, &one, d.x, x, d.y, dy, d.conv, d.timing.algo[CONV_WEIGHT], workspace,
                                       bytes, &zero, d.w, dw),
        "cudnnConvolutionBackwardFilter", g);
}

std::string conv_report() {
  std::string why_not;
  const CudnnApi* api = cudnn_api(&why_not);
  const char* modes[] = {"hand-written kernels only", "per shape and direction, the faster by measurement",
                         "cuDNN wherever it has a deterministic FMA algorithm"};
  std::string out = api != nullptr ? "cuDNN " + std::to_string(api->GetVersion()) + " loaded"
                                   : "cuDNN not used: " + why_not;
  out += "; convolutions: " + std::string(modes[static_cast<int>(conv_mode())]) + "\n";
  std::lock_guard<std::mutex> hold(measured_lock);
  out += measured.describe() + "\n";
  for (const auto& [k, t] : measured.entries) {
    const ConvGeom g{{k[0], k[1], k[2], k[3]}, {k[4], k[5], k[6], k[7]}, k[8], k[9], k[10], k[11], k[12]};
    out += describe(g);
    const char* names[] = {"forward", "data", "weight"};
    for (int d = 0; d < 3; d++) {
      char s[160];
      if (t.cudnn_ms[d] >= 0.f) {
        std::snprintf(s, sizeof s, " | %s: own %.4f ms, cuDNN %.4f ms (algo %d, %zu B) -> %s", names[d], t.own_ms[d],
                      t.cudnn_ms[d], t.algo[d], t.memory[d], cudnn_runs(t, static_cast<ConvDirection>(d)) ? "cuDNN" : "own");
      } else {
        std::snprintf(s, sizeof s, " | %s: own %.4f ms, no cuDNN algorithm -> own", names[d], t.own_ms[d]);
      }
      out += s;
    }
    out += "\n";
  }
  return out;
}

}  // namespace eproxy
