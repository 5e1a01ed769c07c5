package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.Plan;

/**
 * A max pool whose choices are fixed ({@link CpuBackend#freezeActivationPattern}): each output
 * copies the input element chosen at the frozen point, and backward sends its gradient there.
 * Split over (image, channel) planes, so parts never add to the same input element.
 */
final class FrozenMaxPoolStep extends Step {
    private final int[] choice;
    private final Shape y;

    FrozenMaxPoolStep(Plan plan, Node node, Memory m, int[] choice) {
        super(plan, node, m);
        this.choice = choice;
        this.y = node.shape();
    }

    @Override
    void forward(int part, int parts) {
        int x = in(0);
        int out = out();
        int planes = y.n() * y.c();
        for (int o = lo(planes, part, parts) * y.plane(); o < hi(planes, part, parts) * y.plane(); o++) {
            a.put(out + o, a.get(x + choice[o]));
        }
    }

    @Override
    void backward(int part, int parts) {
        int dx = din(0);
        if (dx < 0) {
            return;
        }
        int dy = dout();
        int planes = y.n() * y.c();
        for (int o = lo(planes, part, parts) * y.plane(); o < hi(planes, part, parts) * y.plane(); o++) {
            int i = dx + choice[o];
            a.put(i, a.get(i) + a.get(dy + o));
        }
    }
}
