// Loading cuDNN at run time: see cudnn_api.h.
#include "cudnn_api.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <mutex>
#include <type_traits>

namespace eproxy {

namespace {

std::atomic<int> mode{static_cast<int>(ConvMode::MEASURED)};

struct Loaded {
  CudnnApi api{};
  bool ok = false;
  std::string why_not;
};

// cuDNN 9 splits the library (graph, ops, cnn, ...) behind libcudnn.so.9, which exports every
// entry point; the parts are searched too, in case a build exports a symbol only there. cuDNN 8
// (the same API) is the fallback; the two versions are never mixed.
constexpr int PARTS = 4;
const char* const LIBRARIES[2][PARTS] = {
    {"libcudnn.so.9", "libcudnn_cnn.so.9", "libcudnn_ops.so.9", "libcudnn_graph.so.9"},
    {"libcudnn.so.8", "libcudnn_cnn_train.so.8", "libcudnn_cnn_infer.so.8", "libcudnn_ops_infer.so.8"}};

Loaded load() {
  Loaded l;
  const char* env = std::getenv("EPROXY_CUDNN");
  if (env != nullptr && std::strcmp(env, "0") == 0) {
    l.why_not = "disabled by EPROXY_CUDNN=0";
    return l;
  }
  void* handles[PARTS] = {};
  for (const auto& version : LIBRARIES) {
    handles[0] = dlopen(version[0], RTLD_NOW | RTLD_GLOBAL);
    if (handles[0] != nullptr) {
      for (int i = 1; i < PARTS; i++) handles[i] = dlopen(version[i], RTLD_NOW | RTLD_GLOBAL);
      break;
    }
  }
  if (handles[0] == nullptr) {
    l.why_not = "no libcudnn.so.9 or libcudnn.so.8 on the library path";
    return l;
  }
  std::string missing;
  auto resolve = [&](auto& fn, const char* name) {
    for (void* h : handles) {
      if (h != nullptr) {
        if (void* p = dlsym(h, name)) {
          fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(p);
          return;
        }
      }
    }
    missing += missing.empty() ? name : std::string(", ") + name;
  };
  CudnnApi& a = l.api;
  resolve(a.GetVersion, "cudnnGetVersion");
  resolve(a.GetErrorString, "cudnnGetErrorString");
  resolve(a.Create, "cudnnCreate");
  resolve(a.Destroy, "cudnnDestroy");
  resolve(a.SetStream, "cudnnSetStream");
  resolve(a.CreateTensorDescriptor, "cudnnCreateTensorDescriptor");
  resolve(a.SetTensor4dDescriptor, "cudnnSetTensor4dDescriptor");
  resolve(a.DestroyTensorDescriptor, "cudnnDestroyTensorDescriptor");
  resolve(a.CreateFilterDescriptor, "cudnnCreateFilterDescriptor");
  resolve(a.SetFilter4dDescriptor, "cudnnSetFilter4dDescriptor");
  resolve(a.DestroyFilterDescriptor, "cudnnDestroyFilterDescriptor");
  resolve(a.CreateConvolutionDescriptor, "cudnnCreateConvolutionDescriptor");
  resolve(a.SetConvolution2dDescriptor, "cudnnSetConvolution2dDescriptor");
  resolve(a.SetConvolutionGroupCount, "cudnnSetConvolutionGroupCount");
  resolve(a.SetConvolutionMathType, "cudnnSetConvolutionMathType");
  resolve(a.DestroyConvolutionDescriptor, "cudnnDestroyConvolutionDescriptor");
  resolve(a.FindConvolutionForwardAlgorithmEx, "cudnnFindConvolutionForwardAlgorithmEx");
  resolve(a.FindConvolutionBackwardDataAlgorithmEx, "cudnnFindConvolutionBackwardDataAlgorithmEx");
  resolve(a.FindConvolutionBackwardFilterAlgorithmEx, "cudnnFindConvolutionBackwardFilterAlgorithmEx");
  resolve(a.ConvolutionForward, "cudnnConvolutionForward");
  resolve(a.ConvolutionBackwardData, "cudnnConvolutionBackwardData");
  resolve(a.ConvolutionBackwardFilter, "cudnnConvolutionBackwardFilter");
  if (!missing.empty()) {
    l.why_not = "cuDNN lacks " + missing;
    return l;
  }
  l.ok = true;
  return l;
}

}  // namespace

ConvMode conv_mode() { return static_cast<ConvMode>(mode.load()); }

void set_conv_mode(ConvMode m) { mode.store(static_cast<int>(m)); }

namespace {

std::once_flag once;
std::mutex state_lock;  // guards loaded.ok and loaded.why_not once loaded
Loaded loaded;

}  // namespace

const CudnnApi* cudnn_api(std::string* why_not) {
  std::call_once(once, [] { loaded = load(); });
  std::lock_guard<std::mutex> hold(state_lock);
  if (!loaded.ok && why_not != nullptr) {
    *why_not = loaded.why_not;
  }
  return loaded.ok ? &loaded.api : nullptr;
}

void cudnn_unusable(const std::string& why) {
  std::call_once(once, [] { loaded = load(); });
  std::lock_guard<std::mutex> hold(state_lock);
  loaded.ok = false;
  loaded.why_not = why;
}

}  // namespace eproxy
