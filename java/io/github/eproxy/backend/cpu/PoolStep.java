package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Op;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.Plan;

/**
 * {@code AvgPool2d(count_include_pad=False)} (divide by the number of in-bounds taps) and
 * {@code MaxPool2d} (padding never wins; the first maximum in row-major order wins, a NaN always,
 * as PyTorch's CPU kernel does; backward recomputes the arg-max from the input), window by window.
 * Split over (image, channel) planes, each copied into per-thread heap arrays and worked on there.
 * Same-size average pooling (NAS-Bench-201's {@code avg_pool_3x3}) has a faster step of its own,
 * {@link SameSizeAvgPoolStep}, with the same results bit for bit.
 */
final class PoolStep extends Step {
    private final boolean max;
    private final int k;
    private final int stride;
    private final int pad;
    private final Shape x;
    private final Shape y;
    /** Per thread: an input plane, an output plane, an input-gradient plane. */
    private final float[][][] buffers;

    PoolStep(Plan plan, Node node, Memory m, int parts) {
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
        buffers = new float[parts][3][Math.max(x.plane(), y.plane())];
    }

    @Override
    void forward(int part, int parts) {
        float[] in = buffers[part][0];
        float[] result = buffers[part][1];
        int planes = y.n() * y.c();
        for (int pl = lo(planes, part, parts); pl < hi(planes, part, parts); pl++) {
            a.read(in(0) + pl * x.plane(), in, x.plane());
            for (int oh = 0; oh < y.h(); oh++) {
                int h0 = Math.max(oh * stride - pad, 0);
                int h1 = Math.min(oh * stride - pad + k, x.h());
                for (int ow = 0; ow < y.w(); ow++) {
                    int w0 = Math.max(ow * stride - pad, 0);
                    int w1 = Math.min(ow * stride - pad + k, x.w());
                    float v;
                    if (max) {
                        v = in[argmax(in, h0, h1, w0, w1)];
                    } else {
                        float s = 0f;
                        for (int ih = h0; ih < h1; ih++) {
                            for (int iw = w0; iw < w1; iw++) {
                                s += in[ih * x.w() + iw];
                            }
                        }
                        v = s / ((h1 - h0) * (w1 - w0));
                    }
                    result[oh * y.w() + ow] = v;
                }
            }
            a.write(result, out() + pl * y.plane(), y.plane());
        }
    }

    @Override
    void backward(int part, int parts) {
        int dx = din(0);
        if (dx < 0) {
            return;
        }
        float[] in = buffers[part][0];
        float[] grad = buffers[part][1];
        float[] acc = buffers[part][2];
        int planes = y.n() * y.c();
        for (int pl = lo(planes, part, parts); pl < hi(planes, part, parts); pl++) {
            if (max) {
                a.read(in(0) + pl * x.plane(), in, x.plane());
            }
            a.read(dout() + pl * y.plane(), grad, y.plane());
            a.read(dx + pl * x.plane(), acc, x.plane());
            for (int oh = 0; oh < y.h(); oh++) {
                int h0 = Math.max(oh * stride - pad, 0);
                int h1 = Math.min(oh * stride - pad + k, x.h());
                for (int ow = 0; ow < y.w(); ow++) {
                    int w0 = Math.max(ow * stride - pad, 0);
                    int w1 = Math.min(ow * stride - pad + k, x.w());
                    float d = grad[oh * y.w() + ow];
                    if (max) {
                        acc[argmax(in, h0, h1, w0, w1)] += d;
                    } else {
                        float share = d / ((h1 - h0) * (w1 - w0));
                        for (int ih = h0; ih < h1; ih++) {
                            for (int iw = w0; iw < w1; iw++) {
                                acc[ih * x.w() + iw] += share;
                            }
                        }
                    }
                }
            }
            a.write(acc, dx + pl * x.plane(), x.plane());
        }
    }

    /** For max pooling: per output element, the input element (offset from the input's start) the last forward chose. */
    int[] choices() {
        int[] choice = new int[y.numel()];
        float[] in = new float[x.plane()];
        for (int pl = 0; pl < y.n() * y.c(); pl++) {
            a.read(in(0) + pl * x.plane(), in, x.plane());
            for (int oh = 0; oh < y.h(); oh++) {
                int h0 = Math.max(oh * stride - pad, 0);
                int h1 = Math.min(oh * stride - pad + k, x.h());
                for (int ow = 0; ow < y.w(); ow++) {
                    int w0 = Math.max(ow * stride - pad, 0);
                    int w1 = Math.min(ow * stride - pad + k, x.w());
                    choice[pl * y.plane() + oh * y.w() + ow] = pl * x.plane() + argmax(in, h0, h1, w0, w1);
                }
            }
        }
        return choice;
    }

    /** Plane index of the window's maximum; NaN wins, as in PyTorch. */
    private int argmax(float[] in, int h0, int h1, int w0, int w1) {
        int best = h0 * x.w() + w0;
        float bestValue = in[best];
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                float v = in[ih * x.w() + iw];
                if (v > bestValue || Float.isNaN(v)) {
                    bestValue = v;
                    best = ih * x.w() + iw;
                }
            }
        }
        return best;
    }
}
