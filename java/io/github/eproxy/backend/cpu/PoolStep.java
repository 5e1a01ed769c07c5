package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Op;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.Plan;

/**
 * {@code AvgPool2d(count_include_pad=False)} (divide by the number of in-bounds taps) and
 * {@code MaxPool2d} (padding never wins; the first maximum in row-major order wins, a NaN always,
 * as PyTorch's CPU kernel does; backward recomputes the arg-max from the input, {@link #choose}).
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
    /** Each output row's and column's window: the in-bounds input rows [rowStart, rowEnd) and columns [colStart, colEnd). */
    private final int[] rowStart;
    private final int[] rowEnd;
    private final int[] colStart;
    private final int[] colEnd;
    /** Per thread: an input plane, an output plane, an input-gradient plane. */
    private final float[][][] buffers;
    /** Per thread, for max pooling: each window row's winner, and each output's chosen input (plane indices). */
    private final int[][] rowWinners;
    private final int[][] choices;

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
        rowStart = windowStarts(y.h());
        rowEnd = windowEnds(y.h(), x.h());
        colStart = windowStarts(y.w());
        colEnd = windowEnds(y.w(), x.w());
        buffers = new float[parts][3][Math.max(x.plane(), y.plane())];
        rowWinners = new int[max ? parts : 0][x.h() * y.w()];
        choices = new int[max ? parts : 0][y.plane()];
    }

    /** Per output index o along an axis: the first in-bounds input index of its window. */
    private int[] windowStarts(int outSize) {
        int[] start = new int[outSize];
        for (int o = 0; o < outSize; o++) {
            start[o] = Math.max(o * stride - pad, 0);
        }
        return start;
    }

    /** Per output index o along an axis of {@code inSize} inputs: one past the last in-bounds input of its window. */
    private int[] windowEnds(int outSize, int inSize) {
        int[] end = new int[outSize];
        for (int o = 0; o < outSize; o++) {
            end[o] = Math.min(o * stride - pad + k, inSize);
        }
        return end;
    }

    @Override
    void forward(int part, int parts) {
        float[] in = buffers[part][0];
        float[] result = buffers[part][1];
        int planes = y.n() * y.c();
        for (int pl = lo(planes, part, parts); pl < hi(planes, part, parts); pl++) {
            a.read(in(0) + pl * x.plane(), in, x.plane());
            if (max) {
                int[] choice = choices[part];
                choose(in, rowWinners[part], choice);
                for (int i = 0; i < y.plane(); i++) {
                    result[i] = in[choice[i]];
                }
            } else {
                for (int oh = 0; oh < y.h(); oh++) {
                    int h0 = rowStart[oh];
                    int h1 = rowEnd[oh];
                    for (int ow = 0; ow < y.w(); ow++) {
                        int w0 = colStart[ow];
                        int w1 = colEnd[ow];
                        float s = 0f;
                        for (int ih = h0; ih < h1; ih++) {
                            for (int iw = w0; iw < w1; iw++) {
                                s += in[ih * x.w() + iw];
                            }
                        }
                        result[oh * y.w() + ow] = s / ((h1 - h0) * (w1 - w0));
                    }
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
            a.read(dout() + pl * y.plane(), grad, y.plane());
            a.read(dx + pl * x.plane(), acc, x.plane());
            if (max) {
                a.read(in(0) + pl * x.plane(), in, x.plane());
                int[] choice = choices[part];
                choose(in, rowWinners[part], choice);
                for (int i = 0; i < y.plane(); i++) {
                    acc[choice[i]] += grad[i];
                }
            } else {
                for (int oh = 0; oh < y.h(); oh++) {
                    int h0 = rowStart[oh];
                    int h1 = rowEnd[oh];
                    for (int ow = 0; ow < y.w(); ow++) {
                        int w0 = colStart[ow];
                        int w1 = colEnd[ow];
                        float share = grad[oh * y.w() + ow] / ((h1 - h0) * (w1 - w0));
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
        int[] rows = new int[x.h() * y.w()];
        int[] plane = new int[y.plane()];
        for (int pl = 0; pl < y.n() * y.c(); pl++) {
            a.read(in(0) + pl * x.plane(), in, x.plane());
            choose(in, rows, plane);
            for (int i = 0; i < y.plane(); i++) {
                choice[pl * y.plane() + i] = pl * x.plane() + plane[i];
            }
        }
        return choice;
    }

    /**
     * choice[o] = the plane index of output o's window maximum under PyTorch's rule: scanning the
     * in-bounds taps in row-major order, the first, replaced by any later one that is greater or
     * NaN. Separable: first each window row's winner under the same rule, then the winner among
     * those in row order. That is the same tap: a NaN wins the last NaN either way, and otherwise
     * the first occurrence of the maximum does, in its row and then among the rows. It takes half
     * the comparisons of a 3x3 window scan, and the comparisons are the cost: on random
     * activations they are branches the processor mispredicts. Windows of up to 2x2 gain nothing
     * from it (the same number of comparisons) and are scanned window by window.
     */
    private void choose(float[] in, int[] rowWinner, int[] choice) {
        if (k <= 2) {
            chooseByWindow(in, choice);
            return;
        }
        int xw = x.w();
        for (int ih = 0; ih < x.h(); ih++) {
            for (int ow = 0; ow < y.w(); ow++) {
                int best = ih * xw + colStart[ow];
                float bestValue = in[best];
                int end = ih * xw + colEnd[ow];
                for (int i = best + 1; i < end; i++) {
                    if (in[i] > bestValue || Float.isNaN(in[i])) {
                        bestValue = in[i];
                        best = i;
                    }
                }
                rowWinner[ih * y.w() + ow] = best;
            }
        }
        for (int oh = 0; oh < y.h(); oh++) {
            int h1 = rowEnd[oh];
            for (int ow = 0; ow < y.w(); ow++) {
                int ih = rowStart[oh];
                int best = rowWinner[ih * y.w() + ow];
                float bestValue = in[best];
                for (ih++; ih < h1; ih++) {
                    int candidate = rowWinner[ih * y.w() + ow];
                    if (in[candidate] > bestValue || Float.isNaN(in[candidate])) {
                        bestValue = in[candidate];
                        best = candidate;
                    }
                }
                choice[oh * y.w() + ow] = best;
            }
        }
    }

    /** {@link #choose} scanning each window in row-major order. */
    private void chooseByWindow(float[] in, int[] choice) {
        for (int oh = 0; oh < y.h(); oh++) {
            int h0 = rowStart[oh];
            int h1 = rowEnd[oh];
            for (int ow = 0; ow < y.w(); ow++) {
                int w0 = colStart[ow];
                int w1 = colEnd[ow];
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
                choice[oh * y.w() + ow] = best;
            }
        }
    }
}
