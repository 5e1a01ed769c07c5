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

    static int forward(Net net, Node node, int threads) {
        if (node.op() instanceof Op.Conv2d c && !isPointwise(c)) {
            return threads * columns(net, node);
        }
        return 0;
    }

    /** Backward of a conv: per thread an im2col buffer, a col2im buffer and a private weight gradient. */
    static int backward(Net net, Node node, int threads) {
        if (node.op() instanceof Op.Conv2d c) {
            int cols = isPointwise(c) ? 0 : 2 * columns(net, node);
            return threads * (cols + net.params().get(node.params()[0]).numel());
        }
        return 0;
    }
}
