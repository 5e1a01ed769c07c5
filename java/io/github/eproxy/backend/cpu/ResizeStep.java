package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.Plan;

/**
 * {@code F.interpolate(mode='nearest')}: output pixel (oh, ow) copies input
 * (floor(oh * inH / outH), floor(ow * inW / outW)); backward adds dy back to that pixel.
 * Split over (image, channel) planes.
 */
final class ResizeStep extends Step {
    private final Shape x;
    private final Shape y;
    private final int[] rows;
    private final int[] cols;

    ResizeStep(Plan plan, Node node, Memory m) {
        super(plan, node, m);
        x = plan.net.node(node.input(0)).shape();
        y = node.shape();
        rows = new int[y.h()];
        cols = new int[y.w()];
        float sh = (float) x.h() / y.h();
        float sw = (float) x.w() / y.w();
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Math.min((int) Math.floor(i * sh), x.h() - 1);
        }
        for (int i = 0; i < cols.length; i++) {
            cols[i] = Math.min((int) Math.floor(i * sw), x.w() - 1);
        }
    }

    @Override
    void forward(int part, int parts) {
        int planes = y.n() * y.c();
        for (int pl = lo(planes, part, parts); pl < hi(planes, part, parts); pl++) {
            int src = in(0) + pl * x.plane();
            int dst = out() + pl * y.plane();
            for (int oh = 0; oh < y.h(); oh++) {
                for (int ow = 0; ow < y.w(); ow++) {
                    a.put(dst + oh * y.w() + ow, a.get(src + rows[oh] * x.w() + cols[ow]));
                }
            }
        }
    }

    @Override
    void backward(int part, int parts) {
        int dx = din(0);
        if (dx < 0) {
            return;
        }
        int planes = y.n() * y.c();
        for (int pl = lo(planes, part, parts); pl < hi(planes, part, parts); pl++) {
            int dsrc = dx + pl * x.plane();
            int dy = dout() + pl * y.plane();
            for (int oh = 0; oh < y.h(); oh++) {
                for (int ow = 0; ow < y.w(); ow++) {
                    int i = dsrc + rows[oh] * x.w() + cols[ow];
                    a.put(i, a.get(i) + a.get(dy + oh * y.w() + ow));
                }
            }
        }
    }
}
