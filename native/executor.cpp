// The plan executor: see executor.h. Op dispatch mirrors backend/cpu/CpuBackend.java.
#include "executor.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "eproxy_plan.h"

namespace eproxy {

namespace {

LossKind loss_kind(int op) {
  return op == EPROXY_OP_MSE ? LossKind::MSE : (op == EPROXY_OP_CROSS_ENTROPY ? LossKind::CROSS_ENTROPY : LossKind::DOT);
}

ConvGeom conv_geom(const PlanDesc& plan, const NodeDesc& n) {
  return ConvGeom{plan.nodes[n.inputs[0]].shape, n.shape, n.attrs[1], n.attrs[2], n.attrs[3], n.attrs[4], n.attrs[5]};
}

PoolGeom pool_geom(const PlanDesc& plan, const NodeDesc& n) {
  return PoolGeom{plan.nodes[n.inputs[0]].shape, n.shape, n.attrs[0], n.attrs[1], n.attrs[2], n.op == EPROXY_OP_MAXPOOL};
}

// Calls f(i, per_image, count, offset) for each input i of a concat or slice: the input's floats
// per image, how many of them go into the output image, and where they start in it.
template <class F>
void channel_blocks(const PlanDesc& plan, const NodeDesc& n, F f) {
  long offset = 0;
  for (size_t i = 0; i < n.inputs.size(); i++) {
    const long per_image = plan.nodes[n.inputs[i]].shape.per_image();
    const long count = std::min(per_image, n.shape.per_image());
    f(i, per_image, count, offset);
    offset += count;
  }
}

float float_bits(int bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

}  // namespace

Executor::Executor(Where where) : ex_{where, nullptr} {
  if (where == Where::DEVICE) {
    try {
      check(cudaStreamCreateWithFlags(&ex_.stream, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
      check(cudaEventCreate(&start_), "cudaEventCreate");
      check(cudaEventCreate(&stop_), "cudaEventCreate");
    } catch (...) {
      destroy_handles();  // the destructor does not run for a constructor that throws
      throw;
    }
  }
}

void Executor::destroy_handles() {
  if (start_ != nullptr) cudaEventDestroy(start_);
  if (stop_ != nullptr) cudaEventDestroy(stop_);
  if (ex_.stream != nullptr) cudaStreamDestroy(ex_.stream);
  start_ = stop_ = nullptr;
  ex_.stream = nullptr;
}

Executor::~Executor() {
  cudnn_.reset();  // while its stream exists
  release(workspace_);
  release(arena_);
  release(params_);
  release(grads_);
  release(momentum_);
  release(fscratch_);
  release(dscratch_);
  release(losses_);
  release(counter_);
  release(frozen_masks_);
  release(frozen_choices_);
  destroy_handles();
}

template <class F>
void Executor::timed(int slot, const std::string& what, F body) {
  if (profile_ == nullptr) {
    body();
    return;
  }
  if (ex_.where == Where::HOST) {
    auto t0 = std::chrono::steady_clock::now();
    body();
    profile_[slot] += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return;
  }
  check(cudaEventRecord(start_, ex_.stream), "cudaEventRecord");
  body();
  check(cudaEventRecord(stop_, ex_.stream), "cudaEventRecord");
  check(cudaEventSynchronize(stop_), "cudaEventSynchronize after " + what);
  float ms = 0.f;
  check(cudaEventElapsedTime(&ms, start_, stop_), "cudaEventElapsedTime");
  profile_[slot] += ms;
}

long Executor::bytes() const {
  return (arena_.capacity + params_.capacity + grads_.capacity + momentum_.capacity + fscratch_.capacity +
          frozen_masks_.capacity) * 4L +
         (dscratch_.capacity + losses_.capacity) * 8L + (counter_.capacity + frozen_choices_.capacity) * 4L +
         workspace_.capacity;
}

template <class T>
void Executor::ensure(Buffer<T>& b, long count, const char* what) {
  if (count <= b.capacity) {
    return;
  }
  release(b);
  const size_t bytes = static_cast<size_t>(count) * sizeof(T);
  if (ex_.where == Where::HOST) {
    b.ptr = static_cast<T*>(std::malloc(bytes));
    if (b.ptr == nullptr) {
      throw NativeError(EPROXY_OUT_OF_MEMORY, std::string("out of host memory: ") + what + " needs " + std::to_string(bytes) + " bytes");
    }
  } else {
    cudaError_t e = cudaMalloc(&b.ptr, bytes);
    if (e != cudaSuccess) {
      b.ptr = nullptr;
      cudaGetLastError();  // clear the sticky-free allocation error
      throw NativeError(e == cudaErrorMemoryAllocation ? EPROXY_OUT_OF_MEMORY : EPROXY_CUDA_ERROR,
                        std::string("cudaMalloc of ") + std::to_string(bytes) + " bytes for " + what + " failed: " +
                            cudaGetErrorString(e));
    }
  }
  b.capacity = count;
}

template <class T>
void Executor::release(Buffer<T>& b) {
  if (b.ptr != nullptr) {
    if (ex_.where == Where::HOST) {
      std::free(b.ptr);
    } else {
      cudaFree(b.ptr);
    }
  }
  b.ptr = nullptr;
  b.capacity = 0;
}

void Executor::check(cudaError_t e, const std::string& call) {
  if (e != cudaSuccess) {
    throw NativeError(e == cudaErrorMemoryAllocation ? EPROXY_OUT_OF_MEMORY : EPROXY_CUDA_ERROR,
                      call + " failed: " + cudaGetErrorString(e));
  }
}

void Executor::check_launch(const NodeDesc& n, const char* direction) {
  if (ex_.where == Where::DEVICE) {
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess) {  // the message is built only on failure: this runs after every step
      check(e, std::string("kernel launch of ") + direction + " " + n.describe());
    }
  }
}

void Executor::upload(void* dst, const void* src, long bytes, const char* what) {
  if (ex_.where == Where::HOST) {
    std::memcpy(dst, src, bytes);
  } else {
    check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, ex_.stream), std::string("cudaMemcpyAsync of ") + what);
  }
}

void Executor::download(void* dst, const void* src, long bytes, const char* what) {
  if (ex_.where == Where::HOST) {
    std::memcpy(dst, src, bytes);
  } else {
    check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, ex_.stream), std::string("cudaMemcpyAsync of ") + what);
  }
}

void Executor::fill(void* dst, long bytes, int byte, const char* what) {
  if (ex_.where == Where::HOST) {
    std::memset(dst, byte, bytes);
  } else {
    check(cudaMemsetAsync(dst, byte, bytes, ex_.stream), std::string("cudaMemsetAsync of ") + what);
  }
}

float* Executor::grad_of(const PlanDesc& plan, int node) const {
  const NodeDesc& n = plan.nodes[node];
  return n.needs_grad ? act(n.grad) : nullptr;
}

float* Executor::param(const PlanDesc& plan, const NodeDesc& n, int i) const {
  return params_.ptr + plan.params[n.params[i]].offset;
}

float* Executor::param_grad(const PlanDesc& plan, const NodeDesc& n, int i) const {
  const ParamDesc& p = plan.params[n.params[i]];
  return p.trainable ? grads_.ptr + p.offset : nullptr;
}

void Executor::train(const int* plan_data, long plan_length, const float* params, const float* input,
                     const float* targets, const TrainSettings& s, double* loss_values) {
  if (s.iterations < 1) {
    throw NativeError(EPROXY_INVALID_PLAN, "iterations must be >= 1, got " + std::to_string(s.iterations));
  }
  if (!frozen_plan_.empty() && !std::equal(plan_data, plan_data + plan_length, frozen_plan_.begin(), frozen_plan_.end())) {
    throw NativeError(EPROXY_INVALID_PLAN, "the activation pattern is frozen for another plan: thaw it first");
  }
  last_param_size_ = -1;
  last_arena_size_ = -1;
  profile_ = nullptr;
  PlanDesc plan = decode_plan(plan_data, plan_length);
  long fscratch = 1;
  long dscratch = 1;
  for (int id : plan.forward) {
    const NodeDesc& n = plan.nodes[id];
    const Dims& x = n.inputs.empty() ? n.shape : plan.nodes[n.inputs[0]].shape;
    if (n.op == EPROXY_OP_CONV2D) {
      fscratch = std::max(fscratch, conv_weight_scratch(conv_geom(plan, n)));
    } else if (n.op == EPROXY_OP_BATCHNORM) {
      dscratch = std::max(dscratch, batchnorm_scratch(n.shape));
    } else if (n.op >= EPROXY_OP_MSE) {
      dscratch = std::max(dscratch, loss_scratch(loss_kind(n.op), x));
    }
  }
  const int loss_count = static_cast<int>(plan.losses.size());
  ensure(arena_, std::max(plan.arena_size, 1L), "the activation arena");
  ensure(params_, std::max(plan.param_size, 1L), "parameters");
  ensure(grads_, std::max(plan.param_size, 1L), "parameter gradients");
  ensure(momentum_, std::max(plan.param_size, 1L), "momentum");
  ensure(fscratch_, fscratch, "weight-gradient scratch");
  ensure(dscratch_, dscratch, "reduction scratch");
  ensure(losses_, std::max(1L, static_cast<long>(s.iterations) * loss_count), "loss values");
  ensure(counter_, 1, "the iteration counter");
  prepare_cudnn(plan);

  // Every arena float starts as NaN (all bits set): a kernel that reads an element nobody wrote
  // turns the loss into NaN instead of a plausible wrong number.
  fill(arena_.ptr, plan.arena_size * 4L, 0xFF, "the activation arena");
  upload(params_.ptr, params, plan.param_size * 4L, "parameters");
  fill(grads_.ptr, plan.param_size * 4L, 0, "parameter gradients");
  fill(momentum_.ptr, plan.param_size * 4L, 0, "momentum");
  fill(counter_.ptr, sizeof(int), 0, "the iteration counter");
  upload(act(plan.nodes[0].act), input, plan.nodes[0].shape.numel() * 4L, "the input batch");
  const float* t = targets;
  for (size_t i = 0; i < plan.targets.size(); i++) {
    upload(act(plan.targets[i]), t, plan.target_sizes[i] * 4L, "a target");
    t += plan.target_sizes[i];
  }

  profile_ = s.profile_ms;
  auto iteration = [&] {
    forward(plan);
    backward(plan);
    timed(EPROXY_PROFILE_SGD, "the SGD update", [&] {
      sgd_step(ex_, plan.trainable_size, params_.ptr, momentum_.ptr, grads_.ptr, s.lr, s.momentum, s.weight_decay);
    });
    increment(ex_, counter_.ptr);
  };
  int done = 0;  // iterations run (forward, backward, update)
  if (ex_.where == Where::DEVICE && s.use_graph && s.iterations > 2 && profile_ == nullptr) {
    // The first iteration runs as is, so that whatever a library does on first use (cuDNN loading
    // kernels, or allocating) happens outside the capture; the second is captured and replayed.
    iteration();
    done = 1;
    cudaGraph_t graph = nullptr;
    cudaGraphExec_t exec = nullptr;
    check(cudaStreamBeginCapture(ex_.stream, cudaStreamCaptureModeThreadLocal), "cudaStreamBeginCapture");
    try {
      iteration();
    } catch (...) {
      cudaStreamEndCapture(ex_.stream, &graph);
      if (graph != nullptr) cudaGraphDestroy(graph);
      throw;
    }
    check(cudaStreamEndCapture(ex_.stream, &graph), "cudaStreamEndCapture");
    cudaError_t e = cudaGraphInstantiate(&exec, graph, 0);
    cudaGraphDestroy(graph);
    check(e, "cudaGraphInstantiate");
    for (; done < s.iterations - 1 && e == cudaSuccess; done++) {
      e = cudaGraphLaunch(exec, ex_.stream);
    }
    cudaGraphExecDestroy(exec);
    check(e, "cudaGraphLaunch");
  }
  for (; done < s.iterations - 1; done++) {
    iteration();
  }
  forward(plan);  // the last iteration's loss; its update could not change any reported value
  if (s.final_backward) backward(plan);

  download(loss_values, losses_.ptr, static_cast<long>(s.iterations) * loss_count * 8L, "loss values");
  if (ex_.where == Where::DEVICE) {
    check(cudaStreamSynchronize(ex_.stream), "running the plan's kernels (cudaStreamSynchronize)");
  }
  profile_ = nullptr;
  last_param_size_ = plan.param_size;
  last_arena_size_ = plan.arena_size;
  last_plan_.assign(plan_data, plan_data + plan_length);
}

void Executor::freeze_activation_pattern() {
  if (last_arena_size_ < 0) {
    throw NativeError(EPROXY_INVALID_PLAN, "no completed training run to freeze the activation pattern of");
  }
  const PlanDesc plan = decode_plan(last_plan_.data(), static_cast<long>(last_plan_.size()));
  frozen_plan_.clear();
  frozen_at_.assign(plan.nodes.size(), -1);
  long masks = 0;
  long choices = 0;
  for (int id : plan.forward) {
    const NodeDesc& n = plan.nodes[id];
    if (n.op == EPROXY_OP_RELU) {
      frozen_at_[id] = masks;
      masks += n.shape.numel();
    } else if (n.op == EPROXY_OP_MAXPOOL) {
      frozen_at_[id] = choices;
      choices += n.shape.numel();
    }
  }
  ensure(frozen_masks_, std::max(masks, 1L), "the frozen ReLU pattern");
  ensure(frozen_choices_, std::max(choices, 1L), "the frozen max-pool choices");
  for (int id : plan.forward) {
    const NodeDesc& n = plan.nodes[id];
    if (n.op == EPROXY_OP_RELU) {
      copy(ex_, n.shape.numel(), act(n.act), frozen_masks_.ptr + frozen_at_[id]);  // written by a fused batch norm too
    } else if (n.op == EPROXY_OP_MAXPOOL) {
      max_pool_choices(ex_, pool_geom(plan, n), act(plan.nodes[n.inputs[0]].act), frozen_choices_.ptr + frozen_at_[id]);
    }
    check_launch(n, "freeze");
  }
  if (ex_.where == Where::DEVICE) {
    check(cudaStreamSynchronize(ex_.stream), "freezing the activation pattern (cudaStreamSynchronize)");
  }
  frozen_plan_ = last_plan_;
}

void Executor::thaw_activation_pattern() { frozen_plan_.clear(); }

const float* Executor::frozen_mask(const PlanDesc& plan, const NodeDesc& n) const {
  return frozen_plan_.empty() ? nullptr : frozen_masks_.ptr + frozen_at_[&n - plan.nodes.data()];
}

const float* Executor::relu_gate(const PlanDesc& plan, const NodeDesc& n) const {
  const float* mask = frozen_mask(plan, n);
  return mask != nullptr ? mask : act(n.act);
}

const int* Executor::frozen_choice(const PlanDesc& plan, const NodeDesc& n) const {
  return frozen_plan_.empty() ? nullptr : frozen_choices_.ptr + frozen_at_[&n - plan.nodes.data()];
}

void Executor::read(bool gradients, float* out, long count) {
  if (count < 0 || count > last_param_size_) {
    throw NativeError(EPROXY_INVALID_PLAN, last_param_size_ < 0 ? std::string("no completed training run to read from")
                                                                 : "read of " + std::to_string(count) + " floats, the run has " +
                                                                       std::to_string(last_param_size_));
  }
  download(out, gradients ? grads_.ptr : params_.ptr, count * 4L, gradients ? "parameter gradients" : "parameters");
  if (ex_.where == Where::DEVICE) {
    check(cudaStreamSynchronize(ex_.stream), "reading back (cudaStreamSynchronize)");
  }
}

void Executor::read_arena(long offset, long count, float* out) {
  if (last_arena_size_ < 0) {
    throw NativeError(EPROXY_INVALID_PLAN, "no completed training run to read from");
  }
  if (offset < 0 || count < 0 || offset > last_arena_size_ - count) {
    throw NativeError(EPROXY_INVALID_PLAN, "read of " + std::to_string(count) + " floats at " + std::to_string(offset) +
                                               ", the run's arena has " + std::to_string(last_arena_size_));
  }
  download(out, act(offset), count * 4L, "activations");
  if (ex_.where == Where::DEVICE) {
    check(cudaStreamSynchronize(ex_.stream), "reading back (cudaStreamSynchronize)");
  }
}

void Executor::prepare_cudnn(const PlanDesc& plan) {
  if (ex_.where != Where::DEVICE || conv_mode() == ConvMode::OWN) {
    return;
  }
  if (cudnn_ == nullptr) {
    const CudnnApi* api = cudnn_api(nullptr);
    if (api == nullptr) {
      return;  // conv_report() says why
    }
    try {
      cudnn_ = std::make_unique<CudnnConvs>(*api, ex_.stream);
    } catch (const NativeError& e) {
      cudnn_unusable(std::string("loaded, but ") + e.what());  // the hand-written kernels run everything
      return;
    }
  }
  size_t bytes = 1;
  for (int id : plan.forward) {
    if (plan.nodes[id].op == EPROXY_OP_CONV2D) {
      bytes = std::max(bytes, cudnn_->prepare(ex_, conv_geom(plan, plan.nodes[id]), fscratch_.ptr));
    }
  }
  ensure(workspace_, static_cast<long>(bytes), "the cuDNN workspace");
}

bool Executor::cudnn_runs(const ConvGeom& g, ConvDirection d) const {
  return cudnn_ != nullptr && cudnn_->uses(g, d);  // cudnn_ exists on the device only
}

template <class F>
void Executor::naming(const NodeDesc& n, const char* direction, F body) {
  try {
    body();
  } catch (const NativeError& e) {
    throw NativeError(e.status, std::string(e.what()) + " (" + direction + " of " + n.describe() + ")");
  }
}

bool Executor::fused_relu(const PlanDesc& plan, const NodeDesc& n) {
  const NodeDesc& in = plan.nodes[n.inputs[0]];
  return in.relu_after >= 0 && &plan.nodes[in.relu_after] == &n;
}

void Executor::forward(const PlanDesc& plan) {
  for (int id : plan.forward) {
    const NodeDesc& n = plan.nodes[id];
    timed(2 * n.op, profile_ ? "forward " + n.describe() : std::string(), [&] { run_forward(plan, n); });
    check_launch(n, "forward");
  }
}

void Executor::backward(const PlanDesc& plan) {
  for (size_t i = 0; i < plan.backward.size(); i++) {
    const NodeDesc& n = plan.nodes[plan.backward[i]];
    timed(2 * n.op + 1, profile_ ? "backward " + n.describe() : std::string(), [&] {
      for (int id : plan.zero_before[i]) {
        fill_zero(ex_, plan.nodes[id].shape.numel(), act(plan.nodes[id].grad));
      }
      run_backward(plan, n);
    });
    check_launch(n, "backward");
  }
}

void Executor::run_forward(const PlanDesc& plan, const NodeDesc& n) {
  float* y = act(n.act);
  const long size = n.shape.numel();
  auto x = [&](size_t i) { return act(plan.nodes[n.inputs[i]].act); };
  switch (n.op) {
    case EPROXY_OP_CONV2D: {
      const ConvGeom g = conv_geom(plan, n);
      const float* bias = n.attrs[6] ? param(plan, n, 1) : nullptr;
      if (cudnn_runs(g, CONV_FORWARD)) {
        naming(n, "forward", [&] { cudnn_->forward(g, x(0), param(plan, n, 0), y, workspace_.ptr, workspace_.capacity); });
        if (bias != nullptr) conv_add_bias(ex_, g, bias, y);
      } else {
        conv_forward(ex_, g, x(0), param(plan, n, 0), bias, y);
      }
      break;
    }
    case EPROXY_OP_BATCHNORM: {
      const NodeDesc* relu = n.relu_after >= 0 ? &plan.nodes[n.relu_after] : nullptr;  // then it writes the ReLU's output
      batchnorm_forward(ex_, n.shape, float_bits(n.attrs[1]), x(0), n.attrs[0] ? param(plan, n, 0) : nullptr,
                        n.attrs[0] ? param(plan, n, 1) : nullptr, relu != nullptr ? act(relu->act) : y, relu != nullptr,
                        relu != nullptr ? frozen_mask(plan, *relu) : nullptr, act(n.saved), dscratch_.ptr);
      break;
    }
    case EPROXY_OP_RELU:
      if (!fused_relu(plan, n)) relu_forward(ex_, size, x(0), frozen_mask(plan, n), y);
      break;
    case EPROXY_OP_AVGPOOL:
    case EPROXY_OP_MAXPOOL:
      pool_forward(ex_, pool_geom(plan, n), x(0), n.op == EPROXY_OP_MAXPOOL ? frozen_choice(plan, n) : nullptr, y);
      break;
    case EPROXY_OP_ADD:
    case EPROXY_OP_IDENTITY:
      copy(ex_, size, x(0), y);
      for (size_t i = 1; i < n.inputs.size(); i++) accumulate(ex_, size, x(i), y);
      break;
    case EPROXY_OP_ZERO:
      fill_zero(ex_, size, y);
      break;
    case EPROXY_OP_CONCAT:
    case EPROXY_OP_SLICE:
      channel_blocks(plan, n, [&](size_t i, long per_image, long count, long offset) {
        copy_blocks(ex_, n.shape.n, count, x(i), per_image, y + offset, n.shape.per_image(), false);
      });
      break;
    case EPROXY_OP_RESIZE:
      resize_forward(ex_, plan.nodes[n.inputs[0]].shape, n.shape, x(0), y);
      break;
    case EPROXY_OP_MSE:
    case EPROXY_OP_CROSS_ENTROPY:
    case EPROXY_OP_DOT: {
      int slot = 0;
      while (&plan.nodes[plan.losses[slot]] != &n) slot++;
      loss_value(ex_, loss_kind(n.op), plan.nodes[n.inputs[0]].shape, x(0), act(plan.targets[n.attrs[0]]),
                 dscratch_.ptr, losses_.ptr, counter_.ptr, static_cast<int>(plan.losses.size()), slot);
      break;
    }
    default:
      throw NativeError(EPROXY_INVALID_PLAN, "no forward kernel for " + n.describe());
  }
}

void Executor::run_backward(const PlanDesc& plan, const NodeDesc& n) {
  const float* dy = n.op < EPROXY_OP_MSE ? act(n.grad) : nullptr;
  auto x = [&](size_t i) { return act(plan.nodes[n.inputs[i]].act); };
  auto dx = [&](size_t i) { return grad_of(plan, n.inputs[i]); };
  const long size = n.shape.numel();
  switch (n.op) {
    case EPROXY_OP_CONV2D: {
      const ConvGeom g = conv_geom(plan, n);
      if (dx(0) != nullptr && cudnn_runs(g, CONV_DATA)) {
        naming(n, "backward", [&] { cudnn_->backward_data(g, dy, param(plan, n, 0), dx(0), workspace_.ptr, workspace_.capacity); });
      } else if (dx(0) != nullptr) {
        conv_backward_data(ex_, g, dy, param(plan, n, 0), dx(0));
      }
      float* dw = param_grad(plan, n, 0);
      if (dw != nullptr && cudnn_runs(g, CONV_WEIGHT)) {
        naming(n, "backward", [&] { cudnn_->backward_weight(g, x(0), dy, dw, workspace_.ptr, workspace_.capacity); });
        dw = nullptr;  // the bias, if any, is left to the hand-written kernel
      }
      conv_backward_weight(ex_, g, x(0), dy, dw, n.attrs[6] ? param_grad(plan, n, 1) : nullptr, fscratch_.ptr);
      break;
    }
    case EPROXY_OP_BATCHNORM: {
      // with a fused ReLU: that ReLU's output gradient, masked by its output (or frozen pattern) inside the kernel
      const NodeDesc* relu = n.relu_after >= 0 ? &plan.nodes[n.relu_after] : nullptr;
      batchnorm_backward(ex_, n.shape, x(0), relu != nullptr ? act(relu->grad) : dy,
                         relu != nullptr ? relu_gate(plan, *relu) : nullptr, act(n.saved),
                         n.attrs[0] ? param(plan, n, 0) : nullptr,
                         n.attrs[0] ? param_grad(plan, n, 0) : nullptr, n.attrs[0] ? param_grad(plan, n, 1) : nullptr,
                         dx(0), dscratch_.ptr);
      break;
    }
    case EPROXY_OP_RELU:
      if (dx(0) != nullptr && !fused_relu(plan, n)) relu_backward(ex_, size, relu_gate(plan, n), dy, dx(0));
      break;
    case EPROXY_OP_AVGPOOL:
    case EPROXY_OP_MAXPOOL:
      if (dx(0) != nullptr) {
        pool_backward(ex_, pool_geom(plan, n), x(0), n.op == EPROXY_OP_MAXPOOL ? frozen_choice(plan, n) : nullptr, dy, dx(0));
      }
      break;
    case EPROXY_OP_ADD:
    case EPROXY_OP_IDENTITY:
      for (size_t i = 0; i < n.inputs.size(); i++) {
        if (dx(i) != nullptr) accumulate(ex_, size, dy, dx(i));
      }
      break;
    case EPROXY_OP_ZERO:
      break;
    case EPROXY_OP_CONCAT:
    case EPROXY_OP_SLICE:
      channel_blocks(plan, n, [&](size_t i, long per_image, long count, long offset) {
        if (dx(i) != nullptr) copy_blocks(ex_, n.shape.n, count, dy + offset, n.shape.per_image(), dx(i), per_image, true);
      });
      break;
    case EPROXY_OP_RESIZE:
      if (dx(0) != nullptr) resize_backward(ex_, plan.nodes[n.inputs[0]].shape, n.shape, dy, dx(0));
      break;
    case EPROXY_OP_MSE:
    case EPROXY_OP_CROSS_ENTROPY:
    case EPROXY_OP_DOT:
      if (dx(0) != nullptr) {
        loss_backward(ex_, loss_kind(n.op), plan.nodes[n.inputs[0]].shape, x(0), act(plan.targets[n.attrs[0]]), dx(0));
      }
      break;
    default:
      throw NativeError(EPROXY_INVALID_PLAN, "no backward kernel for " + n.describe());
  }
}

}  // namespace eproxy
