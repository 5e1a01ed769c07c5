package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Op;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.Plan;
import java.util.Arrays;

/**
 * {@code AvgPool2d(count_include_pad=False)} with stride 1 and a centred window (NAS-Bench-201's
 * {@code avg_pool_3x3}), which is separable: window sums along rows, then along columns, divided by
 * the tap counts; backward runs the adjoint (divide, columns, rows). Whole (image, channel) planes,
 * as many as fit in {@link #CHUNK} floats, are copied into heap arrays and summed one window tap at
 * a time over the whole chunk. C2 vectorises a loop over two arrays at the same index, not at
 * indices a variable shift apart, so each tap is first copied into place ({@link #shiftInto}).
 * The same floating-point operations in the same order as the plain per-element loops, so the
 * same results bit for bit ({@code AveragePoolTest}).
 */
final class SameSizeAvgPoolStep extends Step {
    /** Floats per chunk: the step's three chunk arrays (24 KB) stay in L1. */
    private static final int CHUNK = 2048;

    private final int k;
    private final int pad;
    private final Shape x;
    private final Shape y;
    private final int chunkPlanes;
    /** The tap count of each output position in a chunk. */
    private final float[] taps;
    /** Per thread, three chunk arrays. */
    private final float[][][] buffers;

    /** Stride 1 and a centred window (2 * pad = k - 1): the output is as large as the input. */
    static boolean handles(Op.AvgPool op) {
        return op.stride() == 1 && 2 * op.padding() == op.kernel() - 1;
    }

    SameSizeAvgPoolStep(Plan plan, Node node, Memory m, int parts) {
        super(plan, node, m);
        Op.AvgPool op = (Op.AvgPool) node.op();
        k = op.kernel();
        pad = op.padding();
        x = plan.net.node(node.input(0)).shape();
        y = node.shape();
        chunkPlanes = Math.max(1, CHUNK / x.plane());
        buffers = new float[parts][3][chunkPlanes * x.plane()];
        taps = new float[chunkPlanes * y.plane()];
        for (int i = 0; i < taps.length; i++) {
            int oh = i % y.plane() / y.w();
            int ow = i % y.w();
            taps[i] = (Math.min(oh - pad + k, x.h()) - Math.max(oh - pad, 0)) * (Math.min(ow - pad + k, x.w()) - Math.max(ow - pad, 0));
        }
    }

    @Override
    void forward(int part, int parts) {
        float[] u = buffers[part][0];
        float[] v = buffers[part][1];
        float[] tap = buffers[part][2];
        int size = x.plane();
        int planes1 = hi(y.n() * y.c(), part, parts);
        for (int p0 = lo(y.n() * y.c(), part, parts); p0 < planes1; p0 += chunkPlanes) {
            int count = Math.min(chunkPlanes, planes1 - p0);
            int n = count * size;
            a.read(in(0) + p0 * size, u, n);
            windowRows(u, v, tap, count * x.h());
            windowColumns(v, u, tap, count);
            divideByTaps(u, n);
            a.write(u, out() + p0 * size, n);
        }
    }

    /**
     * dx += the adjoint of the forward: dy divided by the tap counts, then summed over the windows
     * along columns, then along rows (for a centred window the adjoint of each window sum is the
     * same window sum).
     */
    @Override
    void backward(int part, int parts) {
        int dx = din(0);
        if (dx < 0) {
            return;
        }
        float[] u = buffers[part][0];
        float[] v = buffers[part][1];
        float[] tap = buffers[part][2];
        int size = x.plane();
        int planes1 = hi(y.n() * y.c(), part, parts);
        for (int p0 = lo(y.n() * y.c(), part, parts); p0 < planes1; p0 += chunkPlanes) {
            int count = Math.min(chunkPlanes, planes1 - p0);
            int n = count * size;
            a.read(dout() + p0 * size, u, n);
            divideByTaps(u, n);
            windowColumns(u, v, tap, count);
            windowRows(v, u, tap, count * x.h());
            a.read(dx + p0 * size, v, n);
            addInto(v, u, n);
            a.write(v, dx + p0 * size, n);
        }
    }

    /**
     * dst = the window sums along each of {@code rows} rows of src, each started from 0 and added
     * tap by tap, left to right. A tap outside the row adds +0, which leaves the sum exactly as
     * if it were skipped (a sum started from +0 is never -0). All rows go at once, one tap at a
     * time.
     */
    private void windowRows(float[] src, float[] dst, float[] tap, int rows) {
        int w = x.w();
        int n = rows * w;
        Arrays.fill(dst, 0, n, 0f);
        for (int t = 0; t < k; t++) {
            int shift = t - pad;
            shiftInto(src, tap, n, shift);
            for (int r = 0; r < n; r += w) {
                for (int o = 0; o < Math.min(-shift, w); o++) {
                    tap[r + o] = 0f;
                }
                for (int o = Math.max(w - shift, 0); o < w; o++) {
                    tap[r + o] = 0f;
                }
            }
            addInto(dst, tap, n);
        }
    }

    /** As {@link #windowRows} down the columns of {@code planes} planes, top to bottom. */
    private void windowColumns(float[] src, float[] dst, float[] tap, int planes) {
        int h = x.h();
        int w = x.w();
        int n = planes * h * w;
        Arrays.fill(dst, 0, n, 0f);
        for (int t = 0; t < k; t++) {
            int shift = t - pad;
            shiftInto(src, tap, n, shift * w);
            for (int pl = 0; pl < n; pl += h * w) {
                Arrays.fill(tap, pl, pl + Math.max(0, Math.min(-shift, h)) * w, 0f);
                Arrays.fill(tap, pl + Math.min(h, Math.max(h - shift, 0)) * w, pl + h * w, 0f);
            }
            addInto(dst, tap, n);
        }
    }

    /** tap[i] = src[i + shift] where that lies in [0, n), else 0, over [0, n). */
    private static void shiftInto(float[] src, float[] tap, int n, int shift) {
        int from = Math.min(n, Math.max(0, -shift));
        int end = Math.max(from, Math.min(n, n - shift));
        Arrays.fill(tap, 0, from, 0f);
        if (end > from) {
            System.arraycopy(src, from + shift, tap, from, end - from);
        }
        Arrays.fill(tap, end, n, 0f);
    }

    private static void addInto(float[] dst, float[] values, int n) {
        for (int i = 0; i < n; i++) {
            dst[i] += values[i];
        }
    }

    private void divideByTaps(float[] values, int n) {
        for (int i = 0; i < n; i++) {
            values[i] /= taps[i];
        }
    }
}
