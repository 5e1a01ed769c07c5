package io.github.eproxy.proxy.baselines;

import io.github.eproxy.backend.BackendPool;
import io.github.eproxy.backend.InspectableBackend;
import io.github.eproxy.proxy.EproxyConfig;

/**
 * SNIP (Lee et al., "SNIP: Single-shot Network Pruning based on Connection Sensitivity", ICLR 2019,
 * Eq. 6's saliency |g * w|), summed over every convolution and linear weight as Abdelfattah et al.
 * (ICLR 2021, Eq. 1) turn it into an architecture score.
 */
public final class Snip extends GradientProxy {

    public Snip(EproxyConfig config) {
        super(config);
    }

    /** On {@code engines}' backends (the caller closes the pool). */
    public Snip(EproxyConfig config, BackendPool engines) {
        super(config, engines);
    }

    @Override
    public String name() {
        return "snip";
    }

    @Override
    double score(ClassifierNet net, float[] params, float[] grads, InspectableBackend backend) {
        double sum = 0;
        for (int w : net.weights) {
            for (int i = net.offset(w); i < net.offset(w) + net.size(w); i++) {
                sum += Math.abs((double) params[i] * grads[i]);
            }
        }
        return sum;
    }
}
