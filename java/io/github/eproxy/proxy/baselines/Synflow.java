package io.github.eproxy.proxy.baselines;

import io.github.eproxy.backend.BackendPool;
import io.github.eproxy.backend.InspectableBackend;
import io.github.eproxy.graph.Init;
import io.github.eproxy.graph.Param;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.searchspace.Architecture;
import java.util.Arrays;

/**
 * SynFlow (Tanaka et al., "Pruning neural networks without any data by iteratively conserving
 * synaptic flow", NeurIPS 2020, Eq. 2): with every parameter replaced by its absolute value, batch
 * norm removed and an input of ones (one image), R = sum of the logits; the score is the sum over
 * convolution and linear weights of w * dR/dw. Data-free.
 *
 * <p>R is a sum of products of absolute weights along every path and overflows float32 in deep
 * cells (the reference code switches to float64). Here the input and the biases are scaled by e
 * and the loss by d, powers of two: with batch norm gone and every value non-negative, each
 * activation is then exactly e times the unscaled one and each gradient d times, so the score is
 * the scaled network's divided by e * d, in double. A first pass at e = 2^-64 (or 2^-120 if that
 * overflows) measures R; the scored pass takes e = d = 2^-round(log2(R) / 2), which keeps
 * activations and gradients near sqrt(R) and their products near 1, far from both float32 limits.
 * R beyond ~2^248 scores positive infinity.
 */
public final class Synflow extends PooledProxy {
    private static final double[] PROBES = {0x1p-64, 0x1p-120};
    private final long seed;
    private final Init init;

    public Synflow(EproxyConfig config) {
        this(config, ownCpuPool(), true);
    }

    /** On {@code engines}' backends (the caller closes the pool). */
    public Synflow(EproxyConfig config, BackendPool engines) {
        this(config, engines, false);
    }

    private Synflow(EproxyConfig config, BackendPool engines, boolean ownsEngines) {
        super(engines, ownsEngines);
        this.seed = config.seed();
        this.init = config.netInit();
    }

    @Override
    public String name() {
        return "synflow";
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public double score(Architecture arch) {
        ClassifierNet net = new ClassifierNet(arch, 1, init, false, true);
        float[] initial = net.initialParams(seed);
        return engines.apply(backend -> {
            for (double probe : PROBES) {
                double scaledR = pass(net, initial, (float) probe, 1f, backend);
                if (scaledR == 0) {
                    return 0.0; // R is 0: no path from the input to the logits and no bias
                }
                if (Double.isFinite(scaledR)) {
                    double log2R = Math.log(scaledR / probe) / Math.log(2);
                    float scale = (float) Math.scalb(1.0, -(int) Math.max(0, Math.round(log2R / 2)));
                    pass(net, initial, scale, scale, backend);
                    return weightSum(net, initial, backend) / ((double) scale * scale);
                }
            }
            return Double.POSITIVE_INFINITY;
        });
    }

    /** Forward and backward with input and biases scaled by {@code e} and the loss by {@code d}; returns the loss. */
    private static double pass(ClassifierNet net, float[] initial, float e, float d, InspectableBackend backend) {
        float[] input = new float[net.net.input().shape().numel()];
        Arrays.fill(input, e);
        float[] target = new float[ClassifierNet.CLASSES];
        Arrays.fill(target, d);
        return net.gradients(backend, absolute(net, initial, e), input, target);
    }

    /** |w|, biases also times {@code e}. */
    private static float[] absolute(ClassifierNet net, float[] initial, float e) {
        float[] params = new float[initial.length];
        for (int p = 0; p < net.net.params().size(); p++) {
            float factor = net.net.params().get(p).role() == Param.Role.CONV_BIAS ? e : 1f;
            for (int i = net.offset(p); i < net.offset(p) + net.size(p); i++) {
                params[i] = Math.abs(initial[i]) * factor;
            }
        }
        return params;
    }

    /** sum of |w| * dR/dw over the convolution and linear weights of the last pass. */
    private static double weightSum(ClassifierNet net, float[] initial, InspectableBackend backend) {
        float[] grads = backend.paramGradients();
        double sum = 0;
        for (int w : net.weights) {
            for (int i = net.offset(w); i < net.offset(w) + net.size(w); i++) {
                sum += Math.abs((double) initial[i]) * grads[i];
            }
        }
        return sum;
    }
}
