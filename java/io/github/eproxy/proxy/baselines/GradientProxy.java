package io.github.eproxy.proxy.baselines;

import io.github.eproxy.backend.BackendPool;
import io.github.eproxy.backend.InspectableBackend;
import io.github.eproxy.graph.Init;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.searchspace.Architecture;

/**
 * The proxies computed from one cross-entropy gradient of the untrained classification network on
 * the configuration's image batch and its labels, at the configuration's initialisation and seed
 * (batch norm in training mode, as the reference code runs them).
 */
abstract class GradientProxy extends PooledProxy {
    final float[] images;
    final float[] labels;
    final int batch;
    final long seed;
    final Init init;

    /** On the CPU backend. */
    GradientProxy(EproxyConfig config) {
        this(config, ownCpuPool(), true);
    }

    /** On {@code engines}' backends (the caller closes the pool). */
    GradientProxy(EproxyConfig config, BackendPool engines) {
        this(config, engines, false);
    }

    private GradientProxy(EproxyConfig config, BackendPool engines, boolean ownsEngines) {
        super(engines, ownsEngines);
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
        return engines.apply(backend -> {
            net.gradients(backend, params, images, labels);
            return score(net, params, backend.paramGradients(), backend);
        });
    }

    /** The proxy from the parameters, their gradients, and the backend holding the pass's activations. */
    abstract double score(ClassifierNet net, float[] params, float[] grads, InspectableBackend backend);
}
