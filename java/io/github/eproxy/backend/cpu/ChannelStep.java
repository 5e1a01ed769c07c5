package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.Plan;

/**
 * Concatenation along channels, and its one-input special case, {@code Slice} (the first channels
 * of the input). Backward hands each input its channel block of dy. Split over images.
 */
final class ChannelStep extends Step {
    private final Shape y;

    ChannelStep(Plan plan, Node node, Memory m) {
        super(plan, node, m);
        y = node.shape();
    }

    @Override
    void forward(int part, int parts) {
        for (int n = lo(y.n(), part, parts); n < hi(y.n(), part, parts); n++) {
            int dst = out() + n * y.perImage();
            for (int j = 0; j < node.inputs().length; j++) {
                Shape x = plan.net.node(node.input(j)).shape();
                int src = in(j) + n * x.perImage();
                int count = Math.min(x.perImage(), y.perImage());
                for (int i = 0; i < count; i++) {
                    a.put(dst + i, a.get(src + i));
                }
                dst += count;
            }
        }
    }

    @Override
    void backward(int part, int parts) {
        for (int n = lo(y.n(), part, parts); n < hi(y.n(), part, parts); n++) {
            int dy = dout() + n * y.perImage();
            for (int j = 0; j < node.inputs().length; j++) {
                Shape x = plan.net.node(node.input(j)).shape();
                int count = Math.min(x.perImage(), y.perImage());
                int dx = din(j);
                if (dx >= 0) {
                    StagedLoops.accumulate(a, dx + n * x.perImage(), dy, count);
                }
                dy += count;
            }
        }
    }
}
