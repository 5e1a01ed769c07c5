package io.github.eproxy.graph;

/**
 * Multiply-accumulate counts per image, forward pass, as the usual profilers count them for CNNs:
 * convolutions only (out_h * out_w * out_c * in_c/groups * k * k), bias, batch norm, pooling and
 * element-wise ops not counted.
 */
final class Flops {
    private Flops() {
    }

    static long macsPerImage(Net net, Node node) {
        if (node.op() instanceof Op.Conv2d c) {
            Shape in = net.node(node.input(0)).shape();
            Shape out = node.shape();
            return (long) out.c() * out.h() * out.w() * (in.c() / c.groups()) * c.kernel() * c.kernel();
        }
        return 0;
    }
}
