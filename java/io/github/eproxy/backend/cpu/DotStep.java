package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Node;
import io.github.eproxy.plan.Plan;

/** L = sum(t * y) over all elements; dy += t. */
final class DotStep extends LossStep {

    DotStep(Plan plan, Node node, Memory m) {
        super(plan, node, m);
    }

    @Override
    double value(int x) {
        double s = 0;
        for (int i = 0; i < size; i++) {
            s += (double) a.get(x + i) * a.get(target + i);
        }
        return s;
    }

    @Override
    void backward(int part, int parts) {
        int dx = din(0);
        if (dx < 0) {
            return;
        }
        for (int i = lo(size, part, parts); i < hi(size, part, parts); i++) {
            a.put(dx + i, a.get(dx + i) + a.get(target + i));
        }
    }
}
