package io.github.eproxy.proxy.baselines;

import io.github.eproxy.backend.BackendPool;
import io.github.eproxy.backend.InspectableBackend;
import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Op;
import io.github.eproxy.proxy.EproxyConfig;

/**
 * Fisher (Theis et al., "Faster gaze prediction with dense networks and Fisher pruning", 2018,
 * Eq. 8, as Turner et al.'s BlockSwap and Abdelfattah et al., ICLR 2021, apply it): for every output
 * channel k of every convolution and linear layer, with a its output and g the cross-entropy
 * gradient there, 0.5 * mean over images n of (sum over pixels of a * g)^2; the score is the sum.
 */
public final class Fisher extends GradientProxy {

    public Fisher(EproxyConfig config) {
        super(config);
    }

    /** On {@code engines}' backends (the caller closes the pool). */
    public Fisher(EproxyConfig config, BackendPool engines) {
        super(config, engines);
    }

    @Override
    public String name() {
        return "fisher";
    }

    @Override
    double score(ClassifierNet net, float[] params, float[] grads, InspectableBackend backend) {
        double sum = 0;
        for (int id : net.plan.forward) {
            Node node = net.plan.node(id);
            if (!(node.op() instanceof Op.Conv2d)) {
                continue;
            }
            float[] act = backend.output(node.id());
            float[] grad = backend.outputGradient(node.id());
            int images = node.shape().n();
            int channels = node.shape().c();
            int plane = node.shape().plane();
            for (int k = 0; k < channels; k++) {
                double perChannel = 0;
                for (int n = 0; n < images; n++) {
                    double s = 0;
                    for (int i = (n * channels + k) * plane, end = i + plane; i < end; i++) {
                        s += (double) act[i] * grad[i];
                    }
                    perChannel += s * s;
                }
                sum += 0.5 * perChannel / images;
            }
        }
        return sum;
    }
}
