// Decoding and checking of the serialised plan; the layout is documented in eproxy_plan.h.
#include "plan.h"

#include <sstream>

#include "eproxy_plan.h"

namespace eproxy {

namespace {

const char* const OP_NAMES[] = {"input", "conv2d", "batchnorm", "relu", "avgpool", "maxpool", "add", "concat",
                                "slice", "zero", "identity", "resize", "mse", "cross_entropy", "dot"};
constexpr int OP_COUNT = sizeof(OP_NAMES) / sizeof(OP_NAMES[0]);

class Reader {
 public:
  Reader(const int* data, long length) : data_(data), length_(length) {}

  int next() {
    if (pos_ >= length_) fail("serialised plan ends early (at int " + std::to_string(pos_) + ")");
    return data_[pos_++];
  }

  int count(const char* what) {
    int n = next();
    if (n < 0 || n > length_ - pos_) {
      fail(std::string("serialised plan: ") + what + " " + std::to_string(n) + " at int " + std::to_string(pos_ - 1) +
           " is impossible");
    }
    return n;
  }

  std::vector<int> list() {
    int n = count("list length");
    std::vector<int> v(n);
    for (int& x : v) x = next();
    return v;
  }

  std::string string() {
    int n = next();
    if (n < 0 || (n + 3L) / 4 > length_ - pos_) fail("serialised plan: string length " + std::to_string(n) + " is impossible");
    std::string s(n, '\0');
    for (int i = 0; i < n; i += 4) {
      unsigned word = static_cast<unsigned>(next());
      for (int j = 0; j < 4 && i + j < n; j++) s[i + j] = static_cast<char>((word >> (8 * j)) & 0xFF);
    }
    return s;
  }

  bool at_end() const { return pos_ == length_; }

  [[noreturn]] static void fail(const std::string& what) { throw NativeError(EPROXY_INVALID_PLAN, what); }

 private:
  const int* data_;
  long length_;
  long pos_ = 0;
};

void require(bool ok, const std::string& what) {
  if (!ok) Reader::fail(what);
}

void check_range(long offset, long size, long arena, const std::string& what) {
  require(offset >= 0 && size >= 0 && offset + size <= arena,
          what + " [" + std::to_string(offset) + ", +" + std::to_string(size) + ") lies outside its arena of " +
              std::to_string(arena) + " floats");
}

int out_size(int in, int k, int stride, int pad, int dil) { return (in + 2 * pad - dil * (k - 1) - 1) / stride + 1; }

void check_node(const PlanDesc& plan, const NodeDesc& n) {
  const std::string where = "node " + n.describe() + ": ";
  const Dims& y = n.shape;
  auto in = [&](int i) -> const Dims& { return plan.nodes[n.inputs[i]].shape; };
  auto param_numel = [&](int i) { return plan.params[n.params[i]].numel; };
  auto inputs = [&](size_t lo, size_t hi) {
    require(n.inputs.size() >= lo && n.inputs.size() <= hi, where + "wrong number of inputs (" + std::to_string(n.inputs.size()) + ")");
  };
  const int* a = n.attrs;
  switch (n.op) {
    case EPROXY_OP_INPUT:
      inputs(0, 0);
      break;
    case EPROXY_OP_CONV2D: {
      inputs(1, 1);
      const Dims& x = in(0);
      require(a[1] > 0 && a[2] > 0 && a[3] >= 0 && a[4] > 0 && a[5] > 0, where + "bad convolution attributes");
      require(x.c % a[5] == 0 && y.c % a[5] == 0 && y.c == a[0], where + "channels do not fit the groups");
      require(y.n == x.n && y.h == out_size(x.h, a[1], a[2], a[3], a[4]) && y.w == out_size(x.w, a[1], a[2], a[3], a[4]),
              where + "output shape does not follow from the input");
      require(n.params.size() == (a[6] ? 2u : 1u), where + "expected weight" + (a[6] ? " and bias" : ""));
      require(param_numel(0) == static_cast<long>(y.c) * (x.c / a[5]) * a[1] * a[1], where + "weight size");
      require(!a[6] || param_numel(1) == y.c, where + "bias size");
      break;
    }
    case EPROXY_OP_BATCHNORM:
      inputs(1, 1);
      require(in(0).numel() == y.numel() && in(0).c == y.c, where + "shape differs from its input");
      require(n.params.size() == (a[0] ? 2u : 0u), where + "affine batch norm needs gamma and beta, plain none");
      require(!a[0] || (param_numel(0) == y.c && param_numel(1) == y.c), where + "gamma/beta size");
      require(n.saved >= 0, where + "no saved statistics");
      break;
    case EPROXY_OP_AVGPOOL:
    case EPROXY_OP_MAXPOOL: {
      inputs(1, 1);
      const Dims& x = in(0);
      require(a[0] > 0 && a[1] > 0 && a[2] >= 0 && 2 * a[2] <= a[0], where + "bad pooling attributes");
      require(y.n == x.n && y.c == x.c && y.h == out_size(x.h, a[0], a[1], a[2], 1) && y.w == out_size(x.w, a[0], a[1], a[2], 1),
              where + "output shape does not follow from the input");
      break;
    }
    case EPROXY_OP_RELU:
    case EPROXY_OP_IDENTITY:
    case EPROXY_OP_ZERO:
    case EPROXY_OP_ADD:
      inputs(1, 1 << 20);
      for (size_t i = 0; i < n.inputs.size(); i++) require(in(i).numel() == y.numel(), where + "input size differs");
      require(n.op == EPROXY_OP_ADD || n.inputs.size() == 1, where + "takes one input");
      break;
    case EPROXY_OP_CONCAT:
    case EPROXY_OP_SLICE: {
      inputs(1, 1 << 20);
      long channels = 0;
      for (size_t i = 0; i < n.inputs.size(); i++) {
        require(in(i).n == y.n && in(i).h == y.h && in(i).w == y.w, where + "input images differ in size");
        channels += in(i).c;
      }
      require(n.op == EPROXY_OP_CONCAT ? channels == y.c : (n.inputs.size() == 1 && y.c <= channels && y.c == a[0]),
              where + "channel count");
      break;
    }
    case EPROXY_OP_RESIZE:
      inputs(1, 1);
      require(in(0).n == y.n && in(0).c == y.c && y.h == a[0] && y.w == a[1], where + "resize shape");
      break;
    case EPROXY_OP_MSE:
    case EPROXY_OP_CROSS_ENTROPY:
    case EPROXY_OP_DOT:
      inputs(1, 1);
      require(a[0] >= 0 && a[0] < static_cast<int>(plan.targets.size()), where + "target index out of range");
      require(plan.target_sizes[a[0]] == in(0).numel(), where + "target size differs from the prediction");
      break;
  }
}

}  // namespace

std::string NodeDesc::describe() const {
  std::ostringstream s;
  s << name << " (" << (op >= 0 && op < OP_COUNT ? OP_NAMES[op] : "?") << ", " << shape.n << "x" << shape.c << "x"
    << shape.h << "x" << shape.w << ")";
  return s.str();
}

PlanDesc decode_plan(const int* data, long length) {
  Reader r(data, length);
  require(r.next() == EPROXY_PLAN_MAGIC, "not a serialised plan (bad magic number)");
  int version = r.next();
  require(version == EPROXY_PLAN_VERSION,
          "plan format version " + std::to_string(version) + ", this library reads " + std::to_string(EPROXY_PLAN_VERSION));
  PlanDesc plan;
  int node_count = r.count("node count");
  int param_count = r.count("parameter count");
  int loss_count = r.count("loss count");
  plan.arena_size = r.next();
  r.next();  // unshared size, two words: the Java side's statistic
  r.next();
  r.next();  // CPU threads the plan's workspaces were sized for: not used here
  plan.param_size = r.next();
  plan.trainable_size = r.next();
  require(plan.arena_size >= 0 && plan.param_size >= 0 && plan.trainable_size >= 0 && plan.trainable_size <= plan.param_size,
          "arena sizes are impossible");
  for (int i = 0; i < param_count; i++) {
    ParamDesc p;
    r.next();  // role
    r.next();  // init scheme: values arrive initialised
    r.next();  // fan in
    r.next();  // fan out
    p.trainable = r.next() != 0;
    p.offset = r.next();
    p.numel = 1;
    for (int d : r.list()) {
      require(d > 0, "parameter " + std::to_string(i) + " has a dimension " + std::to_string(d));
      p.numel *= d;
    }
    p.name = r.string();
    check_range(p.offset, p.numel, p.trainable ? plan.trainable_size : plan.param_size, "parameter " + p.name);
    plan.params.push_back(p);
  }
  for (int id = 0; id < node_count; id++) {
    NodeDesc n;
    n.op = r.next();
    require(n.op >= 0 && n.op < OP_COUNT, "node " + std::to_string(id) + " has op code " + std::to_string(n.op));
    for (int& a : n.attrs) a = r.next();
    n.inputs = r.list();
    for (int in : n.inputs) require(in >= 0 && in < id, "node " + std::to_string(id) + " reads node " + std::to_string(in));
    n.shape = Dims{r.next(), r.next(), r.next(), r.next()};
    require(n.shape.n > 0 && n.shape.c > 0 && n.shape.h > 0 && n.shape.w > 0, "node " + std::to_string(id) + " has an empty shape");
    n.params = r.list();
    for (int p : n.params) require(p >= 0 && p < param_count, "node " + std::to_string(id) + " uses parameter " + std::to_string(p));
    n.act = r.next();
    n.grad = r.next();
    n.saved = r.next();
    r.next();  // CPU workspaces: the native kernels need none in the arena
    r.next();
    n.needs_grad = r.next() != 0;
    n.relu_after = r.next();
    n.name = r.string();
    plan.nodes.push_back(n);
  }
  require(node_count > 0 && plan.nodes[0].op == EPROXY_OP_INPUT, "node 0 must be the input");
  for (int i = 0; i < loss_count; i++) {
    int id = r.next();
    require(id > 0 && id < node_count && plan.nodes[id].op >= EPROXY_OP_MSE, "loss " + std::to_string(id) + " is not a loss node");
    plan.losses.push_back(id);
  }
  plan.forward = r.list();
  plan.backward = r.list();
  for (size_t i = 0; i < plan.backward.size(); i++) plan.zero_before.push_back(r.list());
  std::vector<int> targets = r.list();
  require(r.at_end(), "serialised plan has ints after its end");
  plan.targets.assign(targets.begin(), targets.end());
  plan.target_sizes.assign(targets.size(), -1);
  for (int id : plan.losses) {
    const NodeDesc& n = plan.nodes[id];
    require(n.inputs.size() == 1 && n.attrs[0] >= 0 && n.attrs[0] < static_cast<int>(targets.size()),
            "loss " + n.describe() + " has no valid target");
    plan.target_sizes[n.attrs[0]] = plan.nodes[n.inputs[0]].shape.numel();
  }
  for (size_t t = 0; t < targets.size(); t++) {
    require(plan.target_sizes[t] >= 0, "target " + std::to_string(t) + " is used by no loss");
    check_range(targets[t], plan.target_sizes[t], plan.arena_size, "target " + std::to_string(t));
  }
  check_range(plan.nodes[0].act, plan.nodes[0].shape.numel(), plan.arena_size, "input");
  std::vector<bool> run(node_count, false);
  run[0] = true;
  for (int id : plan.forward) {
    require(id > 0 && id < node_count, "forward step " + std::to_string(id) + " is not a node");
    const NodeDesc& n = plan.nodes[id];
    for (int in : n.inputs) require(run[in], "node " + n.describe() + " runs before its input");
    run[id] = true;
    check_node(plan, n);
    check_range(n.act, n.shape.numel(), plan.arena_size, "output of " + n.describe());
    if (n.op == EPROXY_OP_BATCHNORM) check_range(n.saved, 2L * n.shape.c, plan.arena_size, "statistics of " + n.describe());
  }
  for (const NodeDesc& n : plan.nodes) {
    require(n.relu_after >= -1 && n.relu_after < node_count, "node " + n.describe() + " names a fused ReLU that does not exist");
  }
  for (size_t i = 0; i < plan.forward.size(); i++) {
    const NodeDesc& n = plan.nodes[plan.forward[i]];
    if (n.relu_after == -1) continue;
    // the planner keeps the ReLU's output and gradient alive across the pair; see Plan.reluAfter
    const bool next = i + 1 < plan.forward.size() && plan.forward[i + 1] == n.relu_after;
    require(n.op == EPROXY_OP_BATCHNORM && n.needs_grad && next && plan.nodes[n.relu_after].op == EPROXY_OP_RELU &&
                plan.nodes[n.relu_after].inputs.size() == 1 && plan.nodes[n.relu_after].inputs[0] == plan.forward[i],
            "node " + n.describe() + " names node " + std::to_string(n.relu_after) +
                " as its fused ReLU, which is not a ReLU of it run right after it");
    const NodeDesc& relu = plan.nodes[n.relu_after];
    check_range(relu.grad, relu.shape.numel(), plan.arena_size, "gradient of " + relu.describe());
  }
  for (int id : plan.backward) {
    require(id > 0 && id < node_count && run[id] && plan.nodes[id].needs_grad, "backward step " + std::to_string(id) + " is not a forward step that needs a gradient");
    const NodeDesc& n = plan.nodes[id];
    if (n.op < EPROXY_OP_MSE) check_range(n.grad, n.shape.numel(), plan.arena_size, "gradient of " + n.describe());
    for (int in : n.inputs) {
      const NodeDesc& x = plan.nodes[in];
      if (x.needs_grad) check_range(x.grad, x.shape.numel(), plan.arena_size, "gradient of " + x.describe());
    }
  }
  for (const auto& zero : plan.zero_before) {
    for (int id : zero) {
      require(id >= 0 && id < node_count, "zeroed gradient of node " + std::to_string(id) + " which does not exist");
      check_range(plan.nodes[id].grad, plan.nodes[id].shape.numel(), plan.arena_size, "gradient of " + plan.nodes[id].describe());
    }
  }
  return plan;
}

}  // namespace eproxy
