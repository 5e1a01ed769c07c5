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

// Free and total memory of the current CUDA device, in bytes (cudaMemGetInfo).
eproxy_status eproxy_device_memory(long* free_bytes, long* total_bytes, char* err, int err_len);

// The current device's measured fp32 FMA rate (GFLOP/s, 2 per FMA) and copy bandwidth (GB/s,
// read + written); allocates 1 GiB for a moment. For the floor estimates in the benchmarks.
eproxy_status eproxy_device_peak(double* gflops, double* gbytes_per_s, char* err, int err_len);

// A plan executor: one stream and grow-only buffers; use from one thread at a time.
// where: EPROXY_WHERE_CUDA runs on the current CUDA device; EPROXY_WHERE_HOST runs the same
// kernel bodies as loops on the calling thread (for tests on machines without a GPU).
typedef struct eproxy_executor eproxy_executor;
enum { EPROXY_WHERE_HOST = 0, EPROXY_WHERE_CUDA = 1 };
// Profile slots: 2 * op code (eproxy_plan.h) for an op's forward steps, + 1 for its backward
// steps (with the gradient zeroing before them); the SGD update last.
enum { EPROXY_PROFILE_SGD = 30, EPROXY_PROFILE_SLOTS = 31 };

eproxy_status eproxy_executor_create(int where, eproxy_executor** out, char* err, int err_len);
void eproxy_executor_destroy(eproxy_executor* executor);
// Bytes the executor's buffers hold (device memory for EPROXY_WHERE_CUDA).
long eproxy_executor_bytes(const eproxy_executor* executor);

// Trains one serialised plan (eproxy_plan.h, plan_length ints): params (param_size floats, the
// plan's layout), input (the input node's numel), targets (each target index's tensor, in order,
// concatenated); SGD with momentum and weight decay; iterations forward passes, each but the
// last followed by backward and update. use_graph != 0 (and more than 2 iterations) runs the first
// iteration as is, captures the second as a CUDA graph and replays it. Writes loss_values[iteration * loss_count + i] (the plan's losses in order). With
// profile_ms (EPROXY_PROFILE_SLOTS doubles) not null, every step is timed (synchronised, no graph)
// and its milliseconds added to its slot.
eproxy_status eproxy_executor_train(eproxy_executor* executor, const int* plan, long plan_length, const float* params,
                                    const float* input, const float* targets, float lr, float momentum,
                                    float weight_decay, int iterations, int use_graph, double* loss_values,
                                    double* profile_ms, char* err, int err_len);

// One forward and one backward pass of a serialised plan at params (arguments as for
// eproxy_executor_train), without an update: loss_values gets the plan's losses; the parameter
// gradients (eproxy_executor_read) and the arena's activations and gradients
// (eproxy_executor_read_arena) can then be read.
eproxy_status eproxy_executor_gradients(eproxy_executor* executor, const int* plan, long plan_length, const float* params,
                                        const float* input, const float* targets, double* loss_values, char* err,
                                        int err_len);

// After a training run: copies the first count floats of its trained parameters
// (EPROXY_READ_PARAMS) or of the last backward pass's parameter gradients (EPROXY_READ_GRADIENTS)
// into out. count must not exceed the plan's parameter size.
enum { EPROXY_READ_PARAMS = 0, EPROXY_READ_GRADIENTS = 1 };
eproxy_status eproxy_executor_read(eproxy_executor* executor, int what, float* out, long count, char* err, int err_len);

// After a run: copies count floats of the activation arena from offset (the plan's offsets of
// node outputs and gradients) into out: what the run's last forward (and backward) passes left.
eproxy_status eproxy_executor_read_arena(eproxy_executor* executor, long offset, long count, float* out, char* err,
                                         int err_len);

// After a run of a plan without buffer reuse: from now on, runs of that plan (and only of it; others
// fail until the thaw) pass through each ReLU exactly the units that were active in the run's last
// forward pass, and take each max pool's input where it took it then: around those parameters the
// network is the smooth function whose derivatives autograd computes (GraSP's Hessian).
eproxy_status eproxy_executor_freeze(eproxy_executor* executor, char* err, int err_len);
void eproxy_executor_thaw(eproxy_executor* executor);

// How GPU executors run convolutions, for the whole process: EPROXY_CONV_OWN, the hand-written
// kernels only; EPROXY_CONV_MEASURED (the default), per layer shape and direction whichever of
// those and cuDNN measured faster; EPROXY_CONV_CUDNN, cuDNN wherever it has a deterministic fp32
// algorithm (for tests). cuDNN is loaded at run time (libcudnn.so.9 or .8; EPROXY_CUDNN=0 in the
// environment keeps it unloaded); without it every mode runs the hand-written kernels. Measured
// choices are kept on disk (native/conv_cache.h) so that every process makes the same ones.
enum { EPROXY_CONV_OWN = 0, EPROXY_CONV_MEASURED = 1, EPROXY_CONV_CUDNN = 2 };
eproxy_status eproxy_set_conv_mode(int mode, char* err, int err_len);

// Writes into out (at most out_len bytes, NUL-terminated) whether cuDNN is loaded (its version, or
// why not), the conv mode, where the choices are kept, and per layer shape measured (in this
// process or read from that file) the milliseconds of the hand-written kernel and of cuDNN's best
// algorithm in each direction, and which one runs.
void eproxy_conv_report(char* out, int out_len);

#ifdef __cplusplus
}
#endif

#endif  // EPROXY_NATIVE_H
