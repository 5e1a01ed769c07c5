package io.github.eproxy.graph;

/**
 * The op set of the graph IR. Every op reads NCHW float32 tensors and writes one. Semantics follow
 * PyTorch's modules of the same name (training-mode batch norm, average pooling with
 * {@code count_include_pad=false}, nearest-neighbour interpolation).
 */
public sealed interface Op {

    /** Short lower-case name used in messages and in the JSON graph format. */
    String kind();

    /** The network input (the image batch); it has no gradient. */
    record Input(Shape shape) implements Op {
        public String kind() { return "input"; }
    }

    /** {@code torch.nn.Conv2d}: weight [out, in/groups, k, k], optional bias [out]. */
    record Conv2d(int outChannels, int kernel, int stride, int padding, int dilation, int groups, boolean bias)
            implements Op {
        public String kind() { return "conv2d"; }
    }

    /** {@code torch.nn.BatchNorm2d} in training mode (batch statistics, biased variance). */
    record BatchNorm(boolean affine, float eps) implements Op {
        public String kind() { return "batchnorm"; }
    }

    record Relu() implements Op {
        public String kind() { return "relu"; }
    }

    /** {@code torch.nn.AvgPool2d(count_include_pad=False)}. */
    record AvgPool(int kernel, int stride, int padding) implements Op {
        public String kind() { return "avgpool"; }
    }

    /** {@code torch.nn.MaxPool2d}; padding counts as minus infinity. */
    record MaxPool(int kernel, int stride, int padding) implements Op {
        public String kind() { return "maxpool"; }
    }

    /** Element-wise sum of two or more tensors of equal shape. */
    record Add() implements Op {
        public String kind() { return "add"; }
    }

    /** Concatenation along the channel axis. */
    record Concat() implements Op {
        public String kind() { return "concat"; }
    }

    /** The first {@code channels} channels of the input (NAS-Bench-101's truncation). */
    record Slice(int channels) implements Op {
        public String kind() { return "slice"; }
    }

    /** A tensor of zeros shaped like its input (NAS-Bench-201's {@code none} edge). */
    record Zero() implements Op {
        public String kind() { return "zero"; }
    }

    record Identity() implements Op {
        public String kind() { return "identity"; }
    }

    /** {@code F.interpolate(mode='nearest')} to a fixed spatial size. */
    record Resize(int height, int width) implements Op {
        public String kind() { return "resize"; }
    }

    /**
     * A scalar loss of its one input against fixed target {@code target()} (an index into the
     * targets supplied at run time, shaped like the input). The training loss is the plain sum of
     * all losses; the evaluation loss weighs each by {@code evalWeight()}.
     */
    sealed interface Loss extends Op {
        int target();

        double evalWeight();
    }

    /** {@code F.mse_loss}: mean squared error over all elements. */
    record MseLoss(int target, double evalWeight) implements Loss {
        public String kind() { return "mse"; }
    }

    /**
     * {@code F.cross_entropy} with soft targets over the channels of an [N, K, 1, 1] input, mean over
     * the batch: -(1/N) sum_n sum_k t[n][k] log softmax(y[n])[k]. One-hot targets give the usual
     * classification loss.
     */
    record CrossEntropyLoss(int target, double evalWeight) implements Loss {
        public String kind() { return "cross_entropy"; }
    }

    /** sum(t * y): with a target of ones, the sum of the outputs (SynFlow's objective). */
    record DotLoss(int target, double evalWeight) implements Loss {
        public String kind() { return "dot"; }
    }
}
