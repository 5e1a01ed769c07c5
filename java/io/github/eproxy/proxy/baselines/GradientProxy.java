package io.github.eproxy.proxy.baselines;

import io.github.eproxy.backend.cpu.CpuBackend;
import io.github.eproxy.graph.Init;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.searchspace.Architecture;

/**
 * The proxies computed from one cross-entropy gradient of the untrained classification network on
 * the configuration's image batch and its labels, at the configuration's initialisation and seed
 * (batch norm in training mode, as the reference code runs them).
 */
abstract class GradientProxy implements ZeroCostProxy {
    final float[] images;
    final float[] labels;
    final int batch;
    final long seed;
    final Init init;

    GradientProxy(EproxyConfig config) {
        this.images = config.inputBatch();
        this.labels = ClassifierNet.oneHot(config.inputLabels());
        this.batch = config.batchSize();
        this.seed = config.seed();
        this.init = config.netInit();
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public final double score(Architecture arch) {
        ClassifierNet net = new ClassifierNet(arch, batch, init, true, false);
        float[] params = net.initialParams(seed);
        try (CpuBackend cpu = new CpuBackend(1)) {
            net.gradients(cpu, params, images, labels);
            return score(net, params, cpu.paramGradients(), cpu);
        }
    }

    /** The proxy from the parameters, their gradients, and the backend holding the pass's activations. */
    abstract double score(ClassifierNet net, float[] params, float[] grads, CpuBackend cpu);
}
