package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Node;
import io.github.eproxy.plan.Plan;

/** {@code F.mse_loss(pred, target)} (mean over all elements); dpred += 2 (pred - target) / numel. */
final class MseStep extends LossStep {

    MseStep(Plan plan, Node node, Memory m) {
        super(plan, node, m);
    }

    @Override
    double value(int x) {
        double s = 0;
        for (int i = 0; i < size; i++) {
            double d = a.get(x + i) - a.get(target + i);
            s += d * d;
        }
        return s / size;
    }

    @Override
    void backward(int part, int parts) {
        int dx = din(0);
        if (dx < 0) {
            return;
        }
        float scale = 2f / size;
        int x = in(0);
        for (int i = lo(size, part, parts); i < hi(size, part, parts); i++) {
            a.put(dx + i, a.get(dx + i) + scale * (a.get(x + i) - a.get(target + i)));
        }
    }
}
