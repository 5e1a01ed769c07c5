package io.github.eproxy.searchspace;

import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Shape;

/** One network of a search space, without its classifier head. */
public interface Architecture {

    /** The canonical text form, parseable by the owning {@link SearchSpace}. */
    String id();

    /**
     * Adds the backbone to {@code b} (whose input is the image batch) and returns its tap points:
     * index 0 the final output, 1 the output before the second down-sampling, 2 the output before
     * the first down-sampling.
     */
    int[] build(NetBuilder b);

    /**
     * The whole classification network as its benchmark trained it: the backbone, global average
     * pooling and a linear layer; returns the logits node [N, classes, 1, 1].
     */
    default int classifier(NetBuilder b, int classes) {
        return b.linear(b.globalAvgPool(build(b)[0]), classes);
    }

    /** Backbone multiply-adds per 3x32x32 image. */
    default long macs() {
        NetBuilder b = new NetBuilder(new Shape(1, 3, 32, 32));
        b.mseLoss(build(b)[0], 0, 1);
        return b.build().macsPerImage();
    }
}
