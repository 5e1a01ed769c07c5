package io.github.eproxy.backend.cpu;

import io.github.eproxy.backend.SgdSettings;
import io.github.eproxy.plan.Plan;

/**
 * One {@code torch.optim.SGD} step over all trainable parameters at once (they are the prefix
 * {@code [0, trainableSize)} of the parameter buffer): d = g + wd*p; m = mu*m + d; p -= lr*m.
 * Split over elements.
 */
final class SgdStep extends Step {
    private final NativeFloats momentum;
    private final SgdSettings sgd;

    SgdStep(Plan plan, Memory m, SgdSettings sgd) {
        super(plan, null, m);
        this.momentum = m.momentum.floats();
        this.sgd = sgd;
    }

    @Override
    void forward(int part, int parts) {
        float lr = sgd.lr();
        float mu = sgd.momentum();
        float wd = sgd.weightDecay();
        int size = plan.trainableSize;
        for (int i = lo(size, part, parts); i < hi(size, part, parts); i++) {
            float w = p.get(i);
            float d = g.get(i) + wd * w;
            float v = mu * momentum.get(i) + d;
            momentum.put(i, v);
            p.put(i, w - lr * v);
        }
    }

    @Override
    void backward(int part, int parts) {
        throw new UnsupportedOperationException("SGD has no backward");
    }
}
