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

    ElementwiseStep(Plan plan, Node node, Memory m) {
        super(plan, node, m);
        size = node.shape().numel();
        zero = node.op() instanceof Op.Zero;
    }

    @Override
    void forward(int part, int parts) {
        int from = lo(size, part, parts);
        int to = hi(size, part, parts);
        int y = out();
        if (zero) {
            for (int i = from; i < to; i++) {
                a.put(y + i, 0f);
            }
            return;
        }
        int inputs = node.inputs().length;
        for (int i = from; i < to; i++) {
            float s = a.get(in(0) + i);
            for (int j = 1; j < inputs; j++) {
                s += a.get(in(j) + i);
            }
            a.put(y + i, s);
        }
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
                for (int i = from; i < to; i++) {
                    a.put(dx + i, a.get(dx + i) + a.get(dy + i));
                }
            }
        }
    }
}
