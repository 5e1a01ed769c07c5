// The native plan executor: receives a whole plan once and runs every training iteration on its
// stream (forward, backward, one SGD launch), returning the per-loss values of each iteration.
// One executor owns one stream and grow-only buffers (arena, parameters, gradients, momentum,
// scratch), so consecutive architectures of similar size allocate nothing. Where::HOST runs the
// same kernel bodies as loops on the calling thread, for tests without a GPU.
#ifndef EPROXY_EXECUTOR_H
#define EPROXY_EXECUTOR_H

#include <memory>
#include <string>
#include <vector>

#include "conv_cudnn.h"
#include "plan.h"

namespace eproxy {

struct TrainSettings {
  float lr, momentum, weight_decay;
  int iterations;
  bool use_graph;      // capture the second iteration as a CUDA graph and replay it (device only)
  double* profile_ms;  // null, or EPROXY_PROFILE_SLOTS sums of milliseconds per op and direction
  bool final_backward;  // a backward pass (no update) after the last forward, for its gradients
};

class Executor {
 public:
  explicit Executor(Where where);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // loss_values: iterations x (plan's loss count), row-major.
  void train(const int* plan_data, long plan_length, const float* params, const float* input, const float* targets,
             const TrainSettings& settings, double* loss_values);

  // The last run's trained parameters (or its last backward's gradients): the first count floats.
  void read(bool gradients, float* out, long count);
  // count floats of the last run's activation arena from offset (what its last passes left there).
  void read_arena(long offset, long count, float* out);
  // From now on, runs of the last run's plan (and only of it) pass through each ReLU the units that
  // were active in its last forward pass, and take each max pool's choices from there; until thaw.
  void freeze_activation_pattern();
  void thaw_activation_pattern();

  // Bytes held in buffers (device memory on the GPU).
  long bytes() const;

 private:
  template <class T>
  struct Buffer {
    T* ptr = nullptr;
    long capacity = 0;
  };

  template <class T>
  void ensure(Buffer<T>& b, long count, const char* what);
  template <class T>
  void release(Buffer<T>& b);
  void upload(void* dst, const void* src, long bytes, const char* what);
  void download(void* dst, const void* src, long bytes, const char* what);
  void fill(void* dst, long bytes, int byte, const char* what);
  void check(cudaError_t e, const std::string& call);
  void destroy_handles();
  void check_launch(const NodeDesc& n, const char* direction);

  // Runs body; when profiling, adds its time (on the device: synchronised, CUDA events) to slot,
  // and a fault inside body is reported with what (the op) instead of at the end of the run.
  template <class F>
  void timed(int slot, const std::string& what, F body);

  // cuDNN's descriptors and measured choice for every convolution of the plan (device only).
  void prepare_cudnn(const PlanDesc& plan);
  bool cudnn_runs(const ConvGeom& g, ConvDirection d) const;
  // Whether ReLU n runs inside the batch norm before it (PlanDesc's relu_after): then its own
  // steps do nothing.
  static bool fused_relu(const PlanDesc& plan, const NodeDesc& n);
  // Runs body; a NativeError from it (a failed cuDNN call) gets the node's name added.
  template <class F>
  static void naming(const NodeDesc& n, const char* direction, F body);
  void forward(const PlanDesc& plan);
  void backward(const PlanDesc& plan);
  void run_forward(const PlanDesc& plan, const NodeDesc& n);
  void run_backward(const PlanDesc& plan, const NodeDesc& n);

  float* act(long offset) const { return arena_.ptr + offset; }
  // The frozen pattern of ReLU / max pool n, or null when none is frozen.
  const float* frozen_mask(const PlanDesc& plan, const NodeDesc& n) const;
  const int* frozen_choice(const PlanDesc& plan, const NodeDesc& n) const;
  // What decides which units of ReLU n pass in its backward: the frozen pattern, else its output.
  const float* relu_gate(const PlanDesc& plan, const NodeDesc& n) const;
  float* grad_of(const PlanDesc& plan, int node) const;
  float* param(const PlanDesc& plan, const NodeDesc& n, int i) const;
  float* param_grad(const PlanDesc& plan, const NodeDesc& n, int i) const;

  Exec ex_;
  Buffer<float> arena_, params_, grads_, momentum_, fscratch_;
  Buffer<double> dscratch_, losses_;
  Buffer<int> counter_;
  Buffer<char> workspace_;            // cuDNN's, the largest its chosen algorithms need
  std::unique_ptr<CudnnConvs> cudnn_;  // null: no cuDNN (or not on the GPU)
  long last_param_size_ = -1;  // of the last successful run; -1: none
  long last_arena_size_ = -1;
  std::vector<int> last_plan_;   // the serialised plan of the last successful run
  std::vector<int> frozen_plan_;  // empty: no frozen pattern
  std::vector<long> frozen_at_;   // per node: its offset in frozen_masks_ or frozen_choices_, else -1
  Buffer<float> frozen_masks_;    // copies of the ReLUs' outputs: a unit passes where positive
  Buffer<int> frozen_choices_;    // max pools' arg-max per output, within the plane
  double* profile_ = nullptr;
  cudaEvent_t start_ = nullptr, stop_ = nullptr;
};

}  // namespace eproxy

#endif  // EPROXY_EXECUTOR_H
