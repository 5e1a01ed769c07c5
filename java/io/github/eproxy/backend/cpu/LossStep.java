package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Op;
import io.github.eproxy.plan.Plan;

/**
 * A loss node: forward computes the scalar on one thread (accumulated in double, so the sum is
 * deterministic), backward adds the loss's gradient into its input's gradient.
 */
abstract class LossStep extends Step {
    final int size;
    final int target;
    private double loss;

    LossStep(Plan plan, Node node, Memory m) {
        super(plan, node, m);
        size = plan.net.node(node.input(0)).shape().numel();
        target = plan.target[((Op.Loss) node.op()).target()];
    }

    final double loss() {
        return loss;
    }

    final double evalWeight() {
        return ((Op.Loss) node.op()).evalWeight();
    }

    @Override
    final void forward(int part, int parts) {
        if (part == 0) {
            loss = value(in(0));
        }
    }

    /** The loss of the prediction at arena offset {@code x}. */
    abstract double value(int x);
}
