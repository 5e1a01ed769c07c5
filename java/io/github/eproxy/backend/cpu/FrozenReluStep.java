package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Node;
import io.github.eproxy.plan.Plan;

/**
 * A ReLU whose active units are fixed ({@link CpuBackend#freezeActivationPattern}): y = x where the mask is
 * set, else 0; dx += dy on the same units. Split over elements.
 */
final class FrozenReluStep extends Step {
    private final boolean[] active;

    FrozenReluStep(Plan plan, Node node, Memory m, boolean[] active) {
        super(plan, node, m);
        this.active = active;
    }

    @Override
    void forward(int part, int parts) {
        int x = in(0);
        int y = out();
        for (int i = lo(active.length, part, parts); i < hi(active.length, part, parts); i++) {
            a.put(y + i, active[i] ? a.get(x + i) : 0f);
        }
    }

    @Override
    void backward(int part, int parts) {
        int dx = din(0);
        if (dx < 0) {
            return;
        }
        int dy = dout();
        for (int i = lo(active.length, part, parts); i < hi(active.length, part, parts); i++) {
            if (active[i]) {
                a.put(dx + i, a.get(dx + i) + a.get(dy + i));
            }
        }
    }
}
