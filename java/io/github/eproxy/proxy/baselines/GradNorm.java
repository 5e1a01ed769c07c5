package io.github.eproxy.proxy.baselines;

import io.github.eproxy.backend.BackendPool;
import io.github.eproxy.backend.InspectableBackend;
import io.github.eproxy.proxy.EproxyConfig;

/**
 * grad_norm (Abdelfattah et al., "Zero-Cost Proxies for Lightweight NAS", ICLR 2021, Sec. 3 and its
 * code): the sum over convolution and linear layers of the Euclidean norm of the cross-entropy
 * gradient of the layer's weight.
 */
public final class GradNorm extends GradientProxy {

    public GradNorm(EproxyConfig config) {
        super(config);
    }

    /** On {@code engines}' backends (the caller closes the pool). */
    public GradNorm(EproxyConfig config, BackendPool engines) {
        super(config, engines);
    }

    @Override
    public String name() {
        return "grad_norm";
    }

    @Override
    double score(ClassifierNet net, float[] params, float[] grads, InspectableBackend backend) {
        double sum = 0;
        for (int w : net.weights) {
            double sq = 0;
            for (int i = net.offset(w); i < net.offset(w) + net.size(w); i++) {
                sq += (double) grads[i] * grads[i];
            }
            sum += Math.sqrt(sq);
        }
        return sum;
    }
}
