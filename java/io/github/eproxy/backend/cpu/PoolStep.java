package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Op;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.Plan;

/**
 * {@code AvgPool2d(count_include_pad=False)} (divide by the number of in-bounds taps) and
 * {@code MaxPool2d} (padding never wins; ties go to the first tap in row-major order, as PyTorch's
 * CPU kernel does; backward recomputes the arg-max from the input). Split over (image, channel) planes.
 * Stride-1 average pooling (NAS-Bench-201's {@code avg_pool_3x3}) is separable: each plane is
 * copied into per-thread arrays, summed along rows, then along columns, and divided by the tap
 * counts; backward runs the adjoint (spread along columns, then rows).
 */
final class PoolStep extends Step {
    private final boolean max;
    private final int k;
    private final int stride;
    private final int pad;
    private final Shape x;
    private final Shape y;
    /** Per thread, for separable average pooling: the plane, its row sums, the output plane, the input gradient. */
    private final float[][] plane;
    private final float[][] rows;
    private final float[][] result;
    private final float[][] inputGrad;
    private final int[] countH;
    private final int[] countW;

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
        boolean separable = !max && stride == 1;
        plane = new float[separable ? parts : 0][x.plane()];
        rows = new float[separable ? parts : 0][x.h() * y.w()];
        result = new float[separable ? parts : 0][y.plane()];
        inputGrad = new float[separable ? parts : 0][x.plane()];
        countH = taps(y.h(), x.h());
        countW = taps(y.w(), x.w());
    }

    /** In-bounds taps of each output position along one axis. */
    private int[] taps(int out, int in) {
        int[] c = new int[out];
        for (int o = 0; o < out; o++) {
            c[o] = Math.min(o * stride - pad + k, in) - Math.max(o * stride - pad, 0);
        }
        return c;
    }

    @Override
    void forward(int part, int parts) {
        if (plane.length > 0) {
            separableForward(part, parts);
            return;
        }
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
        if (plane.length > 0) {
            separableBackward(part, parts, dx);
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

    private void separableForward(int part, int parts) {
        float[] in = plane[part];
        float[] sums = rows[part];
        float[] out = result[part];
        int xw = x.w();
        int yw = y.w();
        for (int pl = lo(y.n() * y.c(), part, parts); pl < hi(y.n() * y.c(), part, parts); pl++) {
            a.read(in(0) + pl * x.plane(), in, in.length);
            for (int ih = 0; ih < x.h(); ih++) {
                // window [ow - pad, ow - pad + k) along the row, summed from its left end
                int r = ih * xw;
                int o = ih * yw;
                for (int ow = 0; ow < yw; ow++) {
                    sums[o + ow] = 0f;
                }
                for (int j = 0; j < k; j++) {
                    int shift = j - pad;
                    int end = Math.min(yw, xw - shift);
                    for (int ow = Math.max(0, -shift); ow < end; ow++) {
                        sums[o + ow] += in[r + ow + shift];
                    }
                }
            }
            for (int oh = 0; oh < y.h(); oh++) {
                int h0 = Math.max(oh - pad, 0);
                int h1 = Math.min(oh - pad + k, x.h());
                for (int ow = 0; ow < yw; ow++) {
                    out[oh * yw + ow] = 0f;
                }
                for (int ih = h0; ih < h1; ih++) {
                    for (int ow = 0; ow < yw; ow++) {
                        out[oh * yw + ow] += sums[ih * yw + ow];
                    }
                }
                for (int ow = 0; ow < yw; ow++) {
                    out[oh * yw + ow] /= countH[oh] * countW[ow];
                }
            }
            a.write(out, out() + pl * y.plane(), out.length);
        }
    }

    /** dx += the adjoint of the forward: dy / taps, spread over each output's window along columns, then rows. */
    private void separableBackward(int part, int parts, int dx) {
        float[] share = result[part];
        float[] spread = rows[part];
        float[] grad = plane[part];
        float[] acc = inputGrad[part];
        int xw = x.w();
        int yw = y.w();
        for (int pl = lo(y.n() * y.c(), part, parts); pl < hi(y.n() * y.c(), part, parts); pl++) {
            a.read(dout() + pl * y.plane(), share, share.length);
            for (int oh = 0; oh < y.h(); oh++) {
                for (int ow = 0; ow < yw; ow++) {
                    share[oh * yw + ow] /= countH[oh] * countW[ow];
                }
            }
            for (int ih = 0; ih < x.h(); ih++) {
                int o1 = Math.min(ih + pad + 1, y.h());
                for (int ow = 0; ow < yw; ow++) {
                    spread[ih * yw + ow] = 0f;
                }
                for (int oh = Math.max(ih + pad - k + 1, 0); oh < o1; oh++) {
                    for (int ow = 0; ow < yw; ow++) {
                        spread[ih * yw + ow] += share[oh * yw + ow];
                    }
                }
            }
            for (int ih = 0; ih < x.h(); ih++) {
                // outputs whose window holds iw: ow from iw + pad - k + 1 to iw + pad, summed upwards
                int r = ih * xw;
                int o = ih * yw;
                for (int iw = 0; iw < xw; iw++) {
                    grad[r + iw] = 0f;
                }
                for (int t = 0; t < k; t++) {
                    int shift = pad - k + 1 + t;
                    int end = Math.min(xw, yw - shift);
                    for (int iw = Math.max(0, -shift); iw < end; iw++) {
                        grad[r + iw] += spread[o + iw + shift];
                    }
                }
            }
            int d = dx + pl * x.plane();
            a.read(d, acc, acc.length);
            for (int i = 0; i < acc.length; i++) {
                acc[i] += grad[i];
            }
            a.write(acc, d, acc.length);
        }
    }

    /** For max pooling: per output element, the input element (offset from the input's start) the last forward chose. */
    int[] choices() {
        int[] choice = new int[y.numel()];
        for (int pl = 0; pl < y.n() * y.c(); pl++) {
            int src = in(0) + pl * x.plane();
            for (int oh = 0; oh < y.h(); oh++) {
                int h0 = Math.max(oh * stride - pad, 0);
                int h1 = Math.min(oh * stride - pad + k, x.h());
                for (int ow = 0; ow < y.w(); ow++) {
                    int w0 = Math.max(ow * stride - pad, 0);
                    int w1 = Math.min(ow * stride - pad + k, x.w());
                    choice[pl * y.plane() + oh * y.w() + ow] = pl * x.plane() + argmax(src, h0, h1, w0, w1);
                }
            }
        }
        return choice;
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
