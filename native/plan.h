// A serialised plan (eproxy_plan.h) decoded and checked: every offset inside its arena, every
// input an earlier node, every shape consistent with its op, so that kernels never index out of
// bounds whatever array Java (or a corrupted file) hands over.
#ifndef EPROXY_NATIVE_PLAN_H
#define EPROXY_NATIVE_PLAN_H

#include <stdexcept>
#include <string>
#include <vector>

#include "eproxy_native.h"
#include "kernels.h"

namespace eproxy {

// A failure with its status; caught at the C boundary and turned into (status, message).
struct NativeError : std::runtime_error {
  eproxy_status status;
  NativeError(eproxy_status s, const std::string& what) : std::runtime_error(what), status(s) {}
};

struct ParamDesc {
  bool trainable;
  long offset;
  long numel;
  std::string name;
};

struct NodeDesc {
  int op;
  int attrs[7];
  std::vector<int> inputs;
  Dims shape;
  std::vector<int> params;
  long act, grad, saved;
  bool needs_grad;
  int relu_after;  // batch norm: the ReLU fused into it (Plan.reluAfter), else -1
  std::string name;

  // "name (op, NxCxHxW)": how errors name a node.
  std::string describe() const;
};

struct PlanDesc {
  std::vector<ParamDesc> params;
  std::vector<NodeDesc> nodes;
  std::vector<int> losses;
  std::vector<int> forward;
  std::vector<int> backward;
  std::vector<std::vector<int>> zero_before;
  std::vector<long> targets;
  std::vector<long> target_sizes;
  long arena_size;
  long param_size;
  long trainable_size;
};

// Throws NativeError(EPROXY_INVALID_PLAN, what and where) on a malformed plan.
PlanDesc decode_plan(const int* data, long length);

}  // namespace eproxy

#endif  // EPROXY_NATIVE_PLAN_H
