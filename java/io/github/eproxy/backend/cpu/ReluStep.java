package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Node;
import io.github.eproxy.plan.Plan;

/** y = max(x, 0); dx += dy where y > 0. Split over elements. */
final class ReluStep extends Step {
    private final int size;

    ReluStep(Plan plan, Node node, Memory m) {
        super(plan, node, m);
        size = node.shape().numel();
    }

    @Override
    void forward(int part, int parts) {
        int x = in(0);
        int y = out();
        for (int i = lo(size, part, parts); i < hi(size, part, parts); i++) {
            a.put(y + i, Math.max(a.get(x + i), 0f));
        }
    }

    @Override
    void backward(int part, int parts) {
        int dx = din(0);
        if (dx < 0) {
            return;
        }
        int y = out();
        int dy = dout();
        for (int i = lo(size, part, parts); i < hi(size, part, parts); i++) {
            if (a.get(y + i) > 0f) {
                a.put(dx + i, a.get(dx + i) + a.get(dy + i));
            }
        }
    }
}
