// The serialised plan: what Java's io.github.eproxy.plan.PlanCodec writes and the native
// executor reads, in one call per architecture. All values are int32 (host order). Offsets are in
// floats into the activation arena (act, grad, saved, workspaces, targets) or the parameter arena
// (parameters; gradients and momentum use the same offsets in their own arenas); -1 = absent.
// PlanCodecTest checks that the enum and constants below match the Java side.
//
//   magic, version, node_count, param_count, loss_count,
//   arena_size, unshared_size_lo, unshared_size_hi, threads, param_size, trainable_size,
//   param_count x { role, init, fan_in, fan_out, trainable, offset, list dims, string name },
//   node_count  x { op, attrs[EPROXY_PLAN_ATTRS], list inputs, n, c, h, w, list params,
//                   act, grad, saved, fwd_workspace, bwd_workspace, needs_grad, relu_after,
//                   string name },
//   loss_count node ids, list forward, list backward,
//   one list per backward step (gradients zeroed before that step), list target offsets.
//
// relu_after: for a batch norm, the ReLU fused into it (its only reader, the next forward step;
// the planner keeps that ReLU's output and gradient alive from the batch norm's forward to its
// backward), else -1.
// A list is its length then its values; a string is its byte length then its UTF-8 bytes packed
// four per int, first byte in the low bits.
//
// Attribute slots per op (unused slots are 0):
//   CONV2D    out_channels, kernel, stride, padding, dilation, groups, bias
//   BATCHNORM affine, eps (float bits)
//   AVGPOOL   kernel, stride, padding (count_include_pad = false)
//   MAXPOOL   kernel, stride, padding
//   SLICE     channels (the first ones)
//   RESIZE    height, width (nearest neighbour)
//   MSE, CROSS_ENTROPY, DOT
//             target index, eval weight (double bits, low word first)
#ifndef EPROXY_PLAN_H
#define EPROXY_PLAN_H

#define EPROXY_PLAN_MAGIC 0x50585045
#define EPROXY_PLAN_VERSION 2
#define EPROXY_PLAN_ATTRS 7

typedef enum {
  EPROXY_OP_INPUT = 0,
  EPROXY_OP_CONV2D = 1,
  EPROXY_OP_BATCHNORM = 2,
  EPROXY_OP_RELU = 3,
  EPROXY_OP_AVGPOOL = 4,
  EPROXY_OP_MAXPOOL = 5,
  EPROXY_OP_ADD = 6,
  EPROXY_OP_CONCAT = 7,
  EPROXY_OP_SLICE = 8,
  EPROXY_OP_ZERO = 9,
  EPROXY_OP_IDENTITY = 10,
  EPROXY_OP_RESIZE = 11,
  EPROXY_OP_MSE = 12,
  EPROXY_OP_CROSS_ENTROPY = 13,
  EPROXY_OP_DOT = 14
} eproxy_op;

#endif  // EPROXY_PLAN_H
