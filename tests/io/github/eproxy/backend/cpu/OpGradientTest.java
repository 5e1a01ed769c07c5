package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Init;
import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Shape;
import org.junit.jupiter.api.Test;

/**
 * Every op's backward against central finite differences (see {@link GradCheck}), on odd shapes.
 * Ops without parameters sit behind a trainable 1x1 convolution, so their input gradient is what
 * the convolution's weight gradient checks. Bound: |analytic - numeric| <= 2e-3 + 2e-2 |numeric|,
 * which leaves room for float32 rounding and for kinks crossed by part of a layer's units, while a
 * wrong backward is off by the size of the gradient itself.
 */
class OpGradientTest {
    private static final double ATOL = 2e-3;
    private static final double RTOL = 2e-2;

    private static NetBuilder start(Shape input, int channels) {
        NetBuilder b = new NetBuilder(input);
        b.conv(b.input(), channels, 1, 1, 0, true);
        return b;
    }

    private static void finish(String name, NetBuilder b, int prediction) {
        b.mseLoss(prediction, 0, 1.0);
        GradCheck.check(name, b.build(), ATOL, RTOL);
    }

    @Test
    void convStride2PaddingGroupsBias() {
        NetBuilder b = start(new Shape(2, 3, 7, 9), 4);
        finish("conv k3 s2 p1 g2", b, b.conv(b.size() - 1, 6, 3, 2, 1, 1, 2, true));
    }

    @Test
    void convDilationNoBias() {
        NetBuilder b = start(new Shape(3, 2, 9, 8), 3);
        finish("conv k3 d2 p2", b, b.conv(b.size() - 1, 5, 3, 1, 2, 2, 1, false));
    }

    @Test
    void convDepthwiseAndPointwise() {
        NetBuilder b = start(new Shape(2, 3, 6, 5), 4);
        int dw = b.conv(b.size() - 1, 4, 3, 1, 1, 1, 4, false);
        finish("depthwise + pointwise", b, b.conv(dw, 3, 1, 1, 0, true));
    }

    @Test
    void convKernel7Stride3() {
        NetBuilder b = start(new Shape(2, 2, 11, 10), 3);
        finish("conv k7 s3 p3", b, b.conv(b.size() - 1, 2, 7, 3, 3, true));
    }

    @Test
    void batchNormAffineAndPlain() {
        NetBuilder b = start(new Shape(3, 2, 5, 7), 4);
        int bn = b.batchNorm(b.size() - 1, true);
        int conv = b.conv(bn, 3, 1, 1, 0, false);
        finish("batchnorm", b, b.batchNorm(conv, false));
    }

    @Test
    void reluAfterConv() {
        NetBuilder b = start(new Shape(2, 3, 5, 5), 4);
        finish("relu", b, b.relu(b.size() - 1));
    }

    @Test
    void averagePoolWithoutPaddingCounts() {
        NetBuilder b = start(new Shape(2, 2, 7, 6), 3);
        int p = b.avgPool(b.size() - 1, 3, 1, 1);
        int grown = b.avgPool(p, 2, 1, 1); // stride 1 with windows cut on both sides: 8x7
        finish("avgpool", b, b.avgPool(grown, 2, 2, 0));
    }

    @Test
    void maxPoolStride2Padded() {
        NetBuilder b = start(new Shape(2, 2, 7, 9), 3);
        finish("maxpool", b, b.maxPool(b.size() - 1, 3, 2, 1));
    }

    @Test
    void addConcatSliceIdentityZero() {
        NetBuilder b = start(new Shape(2, 3, 5, 6), 4);
        int x = b.size() - 1;
        int left = b.conv(x, 4, 3, 1, 1, false);
        int sum = b.sum(x, left, b.identity(x));
        int cat = b.concat(sum, b.zero(x), left);
        int sliced = b.slice(cat, 6);
        finish("add/concat/slice/identity/zero", b, b.conv(sliced, 2, 1, 1, 0, false));
    }

    @Test
    void nearestResizeDownAndUp() {
        NetBuilder b = start(new Shape(2, 2, 9, 7), 3);
        int down = b.resize(b.size() - 1, 4, 3);
        finish("resize", b, b.resize(down, 5, 8));
    }

    /** A classifier head (global pooling, linear) under cross-entropy with soft, unnormalised targets. */
    @Test
    void crossEntropyOnClassifierHead() {
        NetBuilder b = start(new Shape(3, 2, 5, 5), 4);
        int logits = b.linear(b.globalAvgPool(b.relu(b.size() - 1)), 6);
        b.crossEntropyLoss(logits, 0);
        GradCheck.check("cross-entropy", b.build(), ATOL, RTOL);
    }

    @Test
    void dotLoss() {
        NetBuilder b = start(new Shape(2, 3, 4, 5), 3);
        b.dotLoss(b.conv(b.size() - 1, 2, 3, 1, 1, false), 0);
        GradCheck.check("dot", b.build(), ATOL, RTOL);
    }

    @Test
    void twoLossesWithFrozenLayerBetween() {
        NetBuilder b = start(new Shape(2, 3, 6, 6), 4);
        int x = b.size() - 1;
        b.mseLoss(b.relu(x), 0, 1.0);
        b.frozen(true).init(Init.XAVIER_NORMAL);
        int barrier = b.conv(x, 3, 3, 1, 1, true);
        b.mseLoss(barrier, 1, 0.5);
        GradCheck.check("two losses, frozen barrier", b.build(), ATOL, RTOL);
    }
}
