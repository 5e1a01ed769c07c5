package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Op;
import io.github.eproxy.plan.Plan;

/**
 * n-ary add (y = sum of inputs; each input's dx += dy), identity (the one-input case) and zero
 * (y = 0; no gradient flows back). Split over elements.
 */
final class ElementwiseStep extends Step {
    private final int size;
    private final boolean zero;
    /** Arena offsets of the inputs, in input order (the order of the sum). */
    private final int[] inputs;

    ElementwiseStep(Plan plan, Node node, Memory m) {
        super(plan, node, m);
        size = node.shape().numel();
        zero = node.op() instanceof Op.Zero;
        inputs = new int[node.inputs().length];
        for (int j = 0; j < inputs.length; j++) {
            inputs[j] = in(j);
        }
    }

    @Override
    void forward(int part, int parts) {
        int from = lo(size, part, parts);
        int to = hi(size, part, parts);
        if (zero) {
            a.zero(out() + from, to - from);
            return;
        }
        StagedLoops.sum(a, inputs, from, out() + from, to - from);
    }

    @Override
    void backward(int part, int parts) {
        if (zero) {
            return;
        }
        int from = lo(size, part, parts);
        int to = hi(size, part, parts);
        int dy = dout();
        for (int j = 0; j < node.inputs().length; j++) {
            int dx = din(j);
            if (dx >= 0) {
                StagedLoops.accumulate(a, dx + from, dy + from, to - from);
            }
        }
    }
}
