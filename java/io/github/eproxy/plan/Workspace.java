package io.github.eproxy.plan;

import io.github.eproxy.graph.Net;
import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Op;
import io.github.eproxy.graph.Shape;

/** Per-step scratch sizes of the CPU backend's kernels, in floats. */
public final class Workspace {
    private Workspace() {
    }

    /** Whether a convolution is a plain matrix product (1x1, stride 1, no padding, one group). */
    public static boolean isPointwise(Op.Conv2d c) {
        return c.kernel() == 1 && c.stride() == 1 && c.padding() == 0 && c.groups() == 1;
    }

    /** im2col rows (in/groups * k * k) times output pixels, per image and group. */
    public static int columns(Net net, Node node) {
        Op.Conv2d c = (Op.Conv2d) node.op();
        Shape in = net.node(node.input(0)).shape();
        return in.c() / c.groups() * c.kernel() * c.kernel() * node.shape().plane();
    }

    /**
     * Whether a conv's input gradient is computed as a stride-1 convolution of dy with the flipped,
     * transposed kernel (padding d(k-1) - p), an im2col product, rather than by col2im's
     * scatter-add. Needs stride 1 and padding at most d(k-1).
     */
    public static boolean transposedData(Op.Conv2d c) {
        return !isPointwise(c) && c.stride() == 1 && c.padding() <= c.dilation() * (c.kernel() - 1);
    }

    /** Rows of dy's unfolding (out/groups * k * k) times input pixels, per image and group. */
    public static int dataColumns(Net net, Node node) {
        Op.Conv2d c = (Op.Conv2d) node.op();
        Shape in = net.node(node.input(0)).shape();
        return c.outChannels() / c.groups() * c.kernel() * c.kernel() * in.plane();
    }

    static int forward(Net net, Node node, int threads) {
        if (node.op() instanceof Op.Conv2d c && !isPointwise(c)) {
            return threads * columns(net, node);
        }
        return 0;
    }

    /**
     * Backward of a conv, per thread: an im2col buffer of x, a buffer for the input gradient's
     * columns, a private weight gradient and the flipped kernel.
     */
    static int backward(Net net, Node node, int threads) {
        if (node.op() instanceof Op.Conv2d c) {
            return threads * backwardPerThread(net, node);
        }
        return 0;
    }

    public static int backwardPerThread(Net net, Node node) {
        Op.Conv2d c = (Op.Conv2d) node.op();
        int weights = net.params().get(node.params()[0]).numel();
        if (isPointwise(c)) {
            return weights;
        }
        int data = transposedData(c) ? dataColumns(net, node) : columns(net, node);
        return columns(net, node) + data + 2 * weights;
    }
}
