package io.github.eproxy.plan;

import io.github.eproxy.graph.Net;
import io.github.eproxy.graph.Node;
import java.util.List;

/**
 * A net laid out for training: the forward steps in order, the backward steps in reverse, and every
 * tensor an offset (in floats) into one activation arena; parameters, their gradients and momentum
 * share one layout in a second arena, trainable tensors first so that SGD is one pass over
 * {@code [0, trainableSize)}. Offsets are -1 where a tensor does not exist. Plans are immutable;
 * arrays are exposed for the backends and must not be modified.
 */
public final class Plan {
    /** Nodes that are not ancestors of a loss are dropped: they are neither run nor allocated. */
    public final Net net;
    /** Node ids run forward, in order (the input node is not a step). */
    public final int[] forward;
    /** Node ids run backward, in order (reverse topological). */
    public final int[] backward;
    /** Output of each node. */
    public final int[] act;
    /** Gradient of the loss with respect to each node's output (accumulated with +=). */
    public final int[] grad;
    /** State a node saves from forward for backward (batch norm: mean and inverse std per channel). */
    public final int[] saved;
    /** Scratch space of each node's forward step and of its backward step, live during that step only. */
    public final int[] fwdWorkspace;
    public final int[] bwdWorkspace;
    /** Fixed target tensor of each target index. */
    public final int[] target;
    /** For each backward step: nodes whose gradient buffer is zeroed before the step runs. */
    public final int[][] zeroBefore;
    /** Whether each node's output gradient is needed (it depends on a trainable parameter). */
    public final boolean[] needsGrad;
    /**
     * For each batch-norm node, the ReLU that may be fused into it, else -1: its only consumer and the
     * next forward step, with the ReLU's output and gradient kept alive from the batch norm's forward
     * to its backward, so that one kernel can write the ReLU's output and read its gradient. The
     * native executor fuses these pairs; the CPU backend runs them apart.
     */
    public final int[] reluAfter;
    /** Floats in the activation arena. */
    public final int arenaSize;
    /** Sum of the sizes of all arena tensors, as if none shared memory. */
    public final long unsharedSize;
    /** Threads the workspaces were sized for. */
    public final int threads;
    /** Offset of each parameter in the parameter arena. */
    public final int[] paramOffset;
    public final int paramSize;
    public final int trainableSize;

    Plan(Net net, int[] forward, int[] backward, int[] act, int[] grad, int[] saved, int[] fwdWorkspace,
            int[] bwdWorkspace, int[] target, int[][] zeroBefore, boolean[] needsGrad, int[] reluAfter, int arenaSize,
            long unsharedSize, int threads, int[] paramOffset, int paramSize, int trainableSize) {
        this.net = net;
        this.forward = forward;
        this.backward = backward;
        this.act = act;
        this.grad = grad;
        this.saved = saved;
        this.fwdWorkspace = fwdWorkspace;
        this.bwdWorkspace = bwdWorkspace;
        this.target = target;
        this.zeroBefore = zeroBefore;
        this.needsGrad = needsGrad;
        this.reluAfter = reluAfter;
        this.arenaSize = arenaSize;
        this.unsharedSize = unsharedSize;
        this.threads = threads;
        this.paramOffset = paramOffset;
        this.paramSize = paramSize;
        this.trainableSize = trainableSize;
    }

    public Node node(int id) {
        return net.node(id);
    }

    /** Checks that no two tensors of this plan share arena memory, so that a pass leaves every one readable. */
    public void requireUnshared() {
        if (arenaSize < unsharedSize) {
            throw new IllegalStateException("the last plan shares buffers; plan with new Planner(threads, false) to read any node's output");
        }
    }

    /**
     * Checks that a pass of this plan leaves node {@code node}'s output (with {@code gradient}: its
     * output gradient) in the arena for reading: the plan shares no buffers, and the node has one.
     */
    public void requireReadable(int node, boolean gradient) {
        requireUnshared();
        boolean has = node >= 0 && node < act.length && (gradient ? needsGrad[node] && grad[node] >= 0 : act[node] >= 0);
        if (!has) {
            throw new IllegalArgumentException("node " + node + " has no " + (gradient ? "gradient" : "output") + " in the last plan");
        }
    }

    /** Loss node ids. */
    public List<Integer> losses() {
        return net.losses();
    }

    /** Number of target tensors the run must supply. */
    public int targetCount() {
        return target.length;
    }
}
