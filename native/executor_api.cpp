// The C entry points of the executor: exceptions stop here and become a status and a message.
#include <cstdio>
#include <new>

#include "eproxy_native.h"
#include "executor.h"

struct eproxy_executor {
  eproxy::Executor impl;
  explicit eproxy_executor(eproxy::Where where) : impl(where) {}
};

namespace {

template <class F>
eproxy_status guarded(char* err, int err_len, F body) {
  auto report = [&](eproxy_status status, const char* what) {
    if (err != nullptr && err_len > 0) std::snprintf(err, static_cast<size_t>(err_len), "%s", what);
    return status;
  };
  try {
    body();
    return EPROXY_OK;
  } catch (const eproxy::NativeError& e) {
    return report(e.status, e.what());
  } catch (const std::bad_alloc&) {
    return report(EPROXY_OUT_OF_MEMORY, "out of host memory");
  } catch (const std::exception& e) {
    return report(EPROXY_CUDA_ERROR, e.what());
  }
}

}  // namespace

extern "C" eproxy_status eproxy_executor_create(int where, eproxy_executor** out, char* err, int err_len) {
  *out = nullptr;
  return guarded(err, err_len, [&] {
    if (where != EPROXY_WHERE_HOST && where != EPROXY_WHERE_CUDA) {
      throw eproxy::NativeError(EPROXY_INVALID_PLAN, "unknown executor placement " + std::to_string(where));
    }
    *out = new eproxy_executor(where == EPROXY_WHERE_CUDA ? eproxy::Where::DEVICE : eproxy::Where::HOST);
  });
}

extern "C" void eproxy_executor_destroy(eproxy_executor* executor) { delete executor; }

extern "C" long eproxy_executor_bytes(const eproxy_executor* executor) { return executor->impl.bytes(); }

extern "C" eproxy_status eproxy_executor_train(eproxy_executor* executor, const int* plan, long plan_length,
                                               const float* params, const float* input, const float* targets, float lr,
                                               float momentum, float weight_decay, int iterations, int use_graph,
                                               double* loss_values, double* profile_ms, char* err, int err_len) {
  return guarded(err, err_len, [&] {
    eproxy::TrainSettings settings{lr, momentum, weight_decay, iterations, use_graph != 0, profile_ms, false};
    executor->impl.train(plan, plan_length, params, input, targets, settings, loss_values);
  });
}

extern "C" eproxy_status eproxy_executor_gradients(eproxy_executor* executor, const int* plan, long plan_length,
                                                   const float* params, const float* input, const float* targets,
                                                   double* loss_values, char* err, int err_len) {
  return guarded(err, err_len, [&] {
    eproxy::TrainSettings settings{0.f, 0.f, 0.f, 1, false, nullptr, true};
    executor->impl.train(plan, plan_length, params, input, targets, settings, loss_values);
  });
}

extern "C" eproxy_status eproxy_executor_read(eproxy_executor* executor, int what, float* out, long count, char* err,
                                              int err_len) {
  return guarded(err, err_len, [&] {
    if (what != EPROXY_READ_PARAMS && what != EPROXY_READ_GRADIENTS) {
      throw eproxy::NativeError(EPROXY_INVALID_PLAN, "unknown read target " + std::to_string(what));
    }
    executor->impl.read(what == EPROXY_READ_GRADIENTS, out, count);
  });
}

extern "C" eproxy_status eproxy_executor_read_arena(eproxy_executor* executor, long offset, long count, float* out,
                                                    char* err, int err_len) {
  return guarded(err, err_len, [&] { executor->impl.read_arena(offset, count, out); });
}

extern "C" eproxy_status eproxy_executor_freeze(eproxy_executor* executor, char* err, int err_len) {
  return guarded(err, err_len, [&] { executor->impl.freeze_activation_pattern(); });
}

extern "C" void eproxy_executor_thaw(eproxy_executor* executor) { executor->impl.thaw_activation_pattern(); }

extern "C" eproxy_status eproxy_set_conv_mode(int mode, char* err, int err_len) {
  return guarded(err, err_len, [&] {
    if (mode != EPROXY_CONV_OWN && mode != EPROXY_CONV_MEASURED && mode != EPROXY_CONV_CUDNN) {
      throw eproxy::NativeError(EPROXY_INVALID_PLAN, "unknown conv mode " + std::to_string(mode));
    }
    eproxy::set_conv_mode(static_cast<eproxy::ConvMode>(mode));
  });
}

extern "C" void eproxy_conv_report(char* out, int out_len) {
  if (out != nullptr && out_len > 0) {
    std::snprintf(out, static_cast<size_t>(out_len), "%s", eproxy::conv_report().c_str());
  }
}
