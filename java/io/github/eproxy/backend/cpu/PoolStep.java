package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Op;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.Plan;

/**
 * {@code AvgPool2d(count_include_pad=False)} (divide by the number of in-bounds taps) and
 * {@code MaxPool2d} (padding never wins; ties go to the first tap in row-major order, as PyTorch's
 * CPU kernel does; backward recomputes the arg-max from the input). Split over (image, channel) planes.
 */
final class PoolStep extends Step {
    private final boolean max;
    private final int k;
    private final int stride;
    private final int pad;
    private final Shape x;
    private final Shape y;

    PoolStep(Plan plan, Node node, Memory m) {
        super(plan, node, m);
        if (node.op() instanceof Op.MaxPool mp) {
            max = true;
            k = mp.kernel();
            stride = mp.stride();
            pad = mp.padding();
        } else {
            Op.AvgPool ap = (Op.AvgPool) node.op();
            max = false;
            k = ap.kernel();
            stride = ap.stride();
            pad = ap.padding();
        }
        x = plan.net.node(node.input(0)).shape();
        y = node.shape();
    }

    @Override
    void forward(int part, int parts) {
        int planes = y.n() * y.c();
        for (int pl = lo(planes, part, parts); pl < hi(planes, part, parts); pl++) {
            int src = in(0) + pl * x.plane();
            int dst = out() + pl * y.plane();
            for (int oh = 0; oh < y.h(); oh++) {
                int h0 = Math.max(oh * stride - pad, 0);
                int h1 = Math.min(oh * stride - pad + k, x.h());
                for (int ow = 0; ow < y.w(); ow++) {
                    int w0 = Math.max(ow * stride - pad, 0);
                    int w1 = Math.min(ow * stride - pad + k, x.w());
                    float v;
                    if (max) {
                        v = a.get(src + argmax(src, h0, h1, w0, w1));
                    } else {
                        float s = 0f;
                        for (int ih = h0; ih < h1; ih++) {
                            for (int iw = w0; iw < w1; iw++) {
                                s += a.get(src + ih * x.w() + iw);
                            }
                        }
                        v = s / ((h1 - h0) * (w1 - w0));
                    }
                    a.put(dst + oh * y.w() + ow, v);
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
            int src = in(0) + pl * x.plane();
            int dsrc = dx + pl * x.plane();
            int dy = dout() + pl * y.plane();
            for (int oh = 0; oh < y.h(); oh++) {
                int h0 = Math.max(oh * stride - pad, 0);
                int h1 = Math.min(oh * stride - pad + k, x.h());
                for (int ow = 0; ow < y.w(); ow++) {
                    int w0 = Math.max(ow * stride - pad, 0);
                    int w1 = Math.min(ow * stride - pad + k, x.w());
                    float d = a.get(dy + oh * y.w() + ow);
                    if (max) {
                        int i = dsrc + argmax(src, h0, h1, w0, w1);
                        a.put(i, a.get(i) + d);
                    } else {
                        float share = d / ((h1 - h0) * (w1 - w0));
                        for (int ih = h0; ih < h1; ih++) {
                            for (int iw = w0; iw < w1; iw++) {
                                int i = dsrc + ih * x.w() + iw;
                                a.put(i, a.get(i) + share);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Plane index of the window's maximum; NaN wins, as in PyTorch. */
    private int argmax(int src, int h0, int h1, int w0, int w1) {
        int best = h0 * x.w() + w0;
        float bestValue = a.get(src + best);
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                float v = a.get(src + ih * x.w() + iw);
                if (v > bestValue || Float.isNaN(v)) {
                    bestValue = v;
                    best = ih * x.w() + iw;
                }
            }
        }
        return best;
    }
}
