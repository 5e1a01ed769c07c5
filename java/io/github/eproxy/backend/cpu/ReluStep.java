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
        int from = lo(size, part, parts);
        StagedLoops.relu(a, in(0) + from, out() + from, hi(size, part, parts) - from);
    }

    @Override
    void backward(int part, int parts) {
        int dx = din(0);
        if (dx < 0) {
            return;
        }
        int from = lo(size, part, parts);
        StagedLoops.reluBackward(a, out() + from, dout() + from, dx + from, hi(size, part, parts) - from);
    }
}
