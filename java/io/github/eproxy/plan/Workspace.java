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
        return Math.toIntExact((long) in.c() / c.groups() * c.kernel() * c.kernel() * node.shape().plane());
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
        return Math.toIntExact((long) c.outChannels() / c.groups() * c.kernel() * c.kernel() * in.plane());
    }

    /** Columns per sgemm the image blocks aim at: OpenBLAS ran these shapes fastest here (BENCHMARKS.md). */
    static final int TARGET_COLUMNS = 512;

    /**
     * Images unfolded side by side for one sgemm: enough for about {@link #TARGET_COLUMNS} output
     * pixels, at most the images one thread handles when {@code threads} threads split the batch.
     */
    public static int imagesPerBlock(Net net, Node node, int threads) {
        int n = net.node(node.input(0)).shape().n();
        int perThread = (n + threads - 1) / threads;
        return Math.max(1, Math.min(perThread, TARGET_COLUMNS / node.shape().plane()));
    }

    /**
     * Forward of a conv, per thread: the unfolded inputs of a block of images side by side
     * [in/groups * k * k, images * outH * outW] and the product [out/groups, images * outH * outW].
     */
    public static int forwardPerThread(Net net, Node node, int threads) {
        Op.Conv2d c = (Op.Conv2d) node.op();
        if (isPointwise(c)) {
            return 0;
        }
        int b = imagesPerBlock(net, node, threads);
        return Math.toIntExact(b * (columns(net, node) + (long) c.outChannels() / c.groups() * node.shape().plane()));
    }

    static int forward(Net net, Node node, int threads) {
        if (node.op() instanceof Op.Conv2d) {
            return Math.multiplyExact(threads, forwardPerThread(net, node, threads));
        }
        return 0;
    }

    /**
     * Backward of a conv, per thread: the unfolded inputs (reused for the input gradient's columns
     * on the col2im path), dy's unfolding (flipped-kernel path), dy gathered
     * [out/groups, images * outH * outW], a private weight gradient and the flipped kernel.
     */
    static int backward(Net net, Node node, int threads) {
        if (node.op() instanceof Op.Conv2d) {
            return Math.multiplyExact(threads, backwardPerThread(net, node, threads));
        }
        return 0;
    }

    public static int backwardPerThread(Net net, Node node, int threads) {
        Op.Conv2d c = (Op.Conv2d) node.op();
        int weights = net.params().get(node.params()[0]).numel();
        if (isPointwise(c)) {
            return weights;
        }
        int b = imagesPerBlock(net, node, threads);
        int data = transposedData(c) ? dataColumns(net, node) : 0;
        long dy = (long) c.outChannels() / c.groups() * node.shape().plane();
        return Math.toIntExact(b * (columns(net, node) + data + dy) + 2L * weights);
    }
}
