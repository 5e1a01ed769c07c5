package io.github.eproxy.proxy.baselines;

import io.github.eproxy.backend.BackendPool;
import io.github.eproxy.graph.Init;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.searchspace.Architecture;
import java.util.Arrays;

/**
 * ZiCo (Li et al., "ZiCo: Zero-shot NAS via Inverse Coefficient of Variation on Gradients",
 * ICLR 2023, Eq. 2): the cross-entropy gradient of every convolution and linear weight is taken on
 * two mini-batches, here the two halves of the configuration's batch; per layer,
 * log(sum over weights with nonzero spread of mean|g| / std(g)) (population std, as the reference
 * code's numpy), layers whose sum is 0 left out; the score is the sum over layers.
 */
public final class Zico extends PooledProxy {
    private final float[][] halves;
    private final float[][] labels;
    private final int half;
    private final long seed;
    private final Init init;

    public Zico(EproxyConfig config) {
        this(config, ownCpuPool(), true);
    }

    /** On {@code engines}' backends (the caller closes the pool). */
    public Zico(EproxyConfig config, BackendPool engines) {
        this(config, engines, false);
    }

    private Zico(EproxyConfig config, BackendPool engines, boolean ownsEngines) {
        super(engines, ownsEngines);
        float[] images = config.inputBatch();
        float[] oneHot = ClassifierNet.oneHot(config.inputLabels());
        half = config.batchSize() / 2;
        if (half < 2) {
            throw new IllegalArgumentException("zico splits the batch in two mini-batches of at least 2 images; batch size "
                    + config.batchSize() + " is too small");
        }
        int perImage = images.length / config.batchSize();
        halves = new float[][] {Arrays.copyOfRange(images, 0, half * perImage),
                Arrays.copyOfRange(images, half * perImage, 2 * half * perImage)};
        labels = new float[][] {Arrays.copyOfRange(oneHot, 0, half * ClassifierNet.CLASSES),
                Arrays.copyOfRange(oneHot, half * ClassifierNet.CLASSES, 2 * half * ClassifierNet.CLASSES)};
        this.seed = config.seed();
        this.init = config.netInit();
    }

    @Override
    public String name() {
        return "zico";
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public double score(Architecture arch) {
        ClassifierNet net = new ClassifierNet(arch, half, init, true, false);
        float[] params = net.initialParams(seed);
        float[][] grads = engines.apply(backend -> {
            float[][] g = new float[2][];
            for (int b = 0; b < 2; b++) {
                net.gradients(backend, params, halves[b], labels[b]);
                g[b] = backend.paramGradients();
            }
            return g;
        });
        double score = 0;
        for (int w : net.weights) {
            double sum = 0;
            for (int i = net.offset(w); i < net.offset(w) + net.size(w); i++) {
                double g0 = grads[0][i];
                double g1 = grads[1][i];
                double std = Math.abs(g0 - g1) / 2;
                if (std > 0) {
                    sum += (Math.abs(g0) + Math.abs(g1)) / 2 / std;
                }
            }
            if (sum != 0) {
                score += Math.log(sum);
            }
        }
        return score;
    }
}
