package io.github.eproxy.proxy.baselines;

import io.github.eproxy.backend.BackendPool;
import io.github.eproxy.backend.InspectableBackend;
import io.github.eproxy.graph.Init;
import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Op;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.searchspace.Architecture;
import java.util.SplittableRandom;

/**
 * Zen-score (Lin et al., "Zen-NAS: A Zero-Shot NAS for High-Performance Image Recognition",
 * ICCV 2021, Eq. 7 with its official code): weights drawn from N(0, 1), Gaussian inputs x and
 * x + 0.01 e, f the features before global pooling; per draw, log(mean over images of
 * sum |f(x) - f(x + 0.01 e)|) (the code's L1 form of the paper's Frobenius norm) plus, for every
 * batch norm, log sqrt(mean over channels of the batch variance) of the pass on x; the score is the
 * mean over {@value #REPEATS} draws. Data-free; the batch size is the configuration's.
 */
public final class Zen extends PooledProxy {
    static final int REPEATS = 4;
    static final double MIXUP = 0.01;
    private final int batch;
    private final long seed;

    public Zen(EproxyConfig config) {
        this(config, ownCpuPool(), true);
    }

    /** On {@code engines}' backends (the caller closes the pool). */
    public Zen(EproxyConfig config, BackendPool engines) {
        this(config, engines, false);
    }

    private Zen(EproxyConfig config, BackendPool engines, boolean ownsEngines) {
        super(engines, ownsEngines);
        this.batch = config.batchSize();
        this.seed = config.seed();
    }

    @Override
    public String name() {
        return "zen";
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public double score(Architecture arch) {
        ClassifierNet net = new ClassifierNet(arch, batch, Init.STANDARD_NORMAL, true, false);
        float[] params = net.initialParams(seed);
        int pooled = net.net.node(net.logits).input(0);
        int features = net.net.node(pooled).input(0);
        float[] labels = new float[batch * ClassifierNet.CLASSES];
        SplittableRandom rng = new SplittableRandom(seed);
        return engines.apply(backend -> {
            double total = 0;
            for (int r = 0; r < REPEATS; r++) {
                float[] x = gaussian(net.net.input().shape().numel(), rng);
                float[] e = gaussian(x.length, rng);
                float[] mixed = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    mixed[i] = (float) (x[i] + MIXUP * e[i]);
                }
                net.forward(backend, params, mixed, labels);
                float[] fMixed = backend.output(features);
                net.forward(backend, params, x, labels);
                float[] f = backend.output(features);
                double diff = 0;
                for (int i = 0; i < f.length; i++) {
                    diff += Math.abs((double) f[i] - fMixed[i]);
                }
                total += Math.log(diff / batch) + logBatchNormScales(net, backend);
            }
            return total / REPEATS;
        });
    }

    /** Sum over batch norms of log sqrt(mean over channels of the batch variance of their input). */
    private static double logBatchNormScales(ClassifierNet net, InspectableBackend backend) {
        double sum = 0;
        for (int id : net.plan.forward) {
            Node node = net.plan.node(id);
            if (!(node.op() instanceof Op.BatchNorm)) {
                continue;
            }
            float[] in = backend.output(node.input(0));
            int n = node.shape().n();
            int channels = node.shape().c();
            int plane = node.shape().plane();
            double meanVar = 0;
            for (int c = 0; c < channels; c++) {
                double s = 0;
                for (int b = 0; b < n; b++) {
                    for (int i = (b * channels + c) * plane, end = i + plane; i < end; i++) {
                        s += in[i];
                    }
                }
                double mean = s / (n * plane);
                double sq = 0;
                for (int b = 0; b < n; b++) {
                    for (int i = (b * channels + c) * plane, end = i + plane; i < end; i++) {
                        sq += (in[i] - mean) * (in[i] - mean);
                    }
                }
                meanVar += sq / (n * plane);
            }
            sum += 0.5 * Math.log(meanVar / channels);
        }
        return sum;
    }

    private static float[] gaussian(int size, SplittableRandom rng) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }
}
