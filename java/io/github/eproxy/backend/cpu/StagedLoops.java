package io.github.eproxy.backend.cpu;

/**
 * The backend's per-element loops, run in chunks staged through small heap arrays: C2 vectorises
 * loops over arrays but not loops over {@code Unsafe} accesses, and the copies in and out (bulk
 * memory moves of L1-sized chunks) cost less than the scalar loop they replace. Each loop does the
 * same float operations in the same order as its plain per-element form, so results are unchanged.
 * The chunk buffers are per thread. Each loop spells out its own chunking on purpose: one helper
 * taking the body as a lambda would see many bodies at one call site, and C2 would stop inlining
 * them, and with that stop vectorising.
 */
final class StagedLoops {
    static final int CHUNK = 1024;

    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[3][CHUNK]);

    /** Channels summed side by side by the lane loops, and their chunk per operand (eight operands stay in L1). */
    static final int LANES = 4;
    static final int LANE_CHUNK = 512;
    private static final ThreadLocal<float[][]> LANE_BUFFERS = ThreadLocal.withInitial(() -> new float[2 * LANES][LANE_CHUNK]);

    private StagedLoops() {
    }

    /** y = max(x, 0). */
    static void relu(NativeFloats m, int x, int y, int count) {
        float[] b = BUFFERS.get()[0];
        for (int at = 0; at < count; at += CHUNK) {
            int n = Math.min(CHUNK, count - at);
            m.read(x + at, b, n);
            for (int i = 0; i < n; i++) {
                b[i] = Math.max(b[i], 0f);
            }
            m.write(b, y + at, n);
        }
    }

    /**
     * dx += dy where y > 0, for a ReLU output y (0 or positive). The unit is selected by multiplying
     * with min(y * 2^100 * 2^100, 1), which is exactly 0 or 1 for every such y (even the smallest
     * subnormal; two factors because 2^200 is not a float): no branch, so no misprediction on the random
     * sign patterns of activations, and it vectorises. (An infinite dy at an inactive unit now gives
     * NaN instead of nothing; a gradient that overflows has already made the run diverge.)
     */
    static void reluBackward(NativeFloats m, int y, int dy, int dx, int count) {
        float[][] b = BUFFERS.get();
        float[] out = b[0];
        float[] grad = b[1];
        float[] acc = b[2];
        for (int at = 0; at < count; at += CHUNK) {
            int n = Math.min(CHUNK, count - at);
            m.read(y + at, out, n);
            m.read(dy + at, grad, n);
            m.read(dx + at, acc, n);
            for (int i = 0; i < n; i++) {
                acc[i] += grad[i] * Math.min(out[i] * 0x1p100f * 0x1p100f, 1f);
            }
            m.write(acc, dx + at, n);
        }
    }

    /** y = x0 + x1. */
    static void add(NativeFloats m, int x0, int x1, int y, int count) {
        float[][] b = BUFFERS.get();
        float[] u = b[0];
        float[] v = b[1];
        for (int at = 0; at < count; at += CHUNK) {
            int n = Math.min(CHUNK, count - at);
            m.read(x0 + at, u, n);
            m.read(x1 + at, v, n);
            for (int i = 0; i < n; i++) {
                u[i] += v[i];
            }
            m.write(u, y + at, n);
        }
    }

    /** y = x_0 + x_1 + ... (added in input order), x_j starting {@code offset} past {@code inputs[j]}. */
    static void sum(NativeFloats m, int[] inputs, int offset, int y, int count) {
        float[][] b = BUFFERS.get();
        float[] u = b[0];
        float[] v = b[1];
        for (int at = 0; at < count; at += CHUNK) {
            int n = Math.min(CHUNK, count - at);
            m.read(inputs[0] + offset + at, u, n);
            for (int j = 1; j < inputs.length; j++) {
                m.read(inputs[j] + offset + at, v, n);
                for (int i = 0; i < n; i++) {
                    u[i] += v[i];
                }
            }
            m.write(u, y + at, n);
        }
    }

    /** y += v. */
    static void addConstant(NativeFloats m, int y, int count, float v) {
        float[] b = BUFFERS.get()[0];
        for (int at = 0; at < count; at += CHUNK) {
            int n = Math.min(CHUNK, count - at);
            m.read(y + at, b, n);
            for (int i = 0; i < n; i++) {
                b[i] += v;
            }
            m.write(b, y + at, n);
        }
    }

    /** dst += src (src and dst in {@code m}). */
    static void accumulate(NativeFloats m, int dst, int src, int count) {
        add(m, dst, src, dst, count);
    }

    /** {@code start} plus x[0..count), added in double in index order. */
    static double sum(NativeFloats m, int x, int count, double start) {
        float[] b = BUFFERS.get()[0];
        double s = start;
        for (int at = 0; at < count; at += CHUNK) {
            int n = Math.min(CHUNK, count - at);
            m.read(x + at, b, n);
            for (int i = 0; i < n; i++) {
                s += b[i];
            }
        }
        return s;
    }

    /**
     * Per lane j of {@link #LANES}: sums[j] plus x_j[0..count), x_j starting at {@code x[j]}, added
     * in double in index order. Each lane is one chain of dependent adds, as in {@link #sum}; the
     * lanes are independent, so they run side by side in about the time of one. Lanes may repeat
     * an offset.
     */
    static void sumLanes(NativeFloats m, int[] x, int count, double[] sums) {
        float[][] b = LANE_BUFFERS.get();
        float[] b0 = b[0];
        float[] b1 = b[1];
        float[] b2 = b[2];
        float[] b3 = b[3];
        double s0 = sums[0];
        double s1 = sums[1];
        double s2 = sums[2];
        double s3 = sums[3];
        for (int at = 0; at < count; at += LANE_CHUNK) {
            int n = Math.min(LANE_CHUNK, count - at);
            readLanes(m, x, at, n, b);
            for (int i = 0; i < n; i++) {
                s0 += b0[i];
                s1 += b1[i];
                s2 += b2[i];
                s3 += b3[i];
            }
        }
        sums[0] = s0;
        sums[1] = s1;
        sums[2] = s2;
        sums[3] = s3;
    }

    /** b[j][0..n) = the n floats from x[j] + at, for each lane j. */
    private static void readLanes(NativeFloats m, int[] x, int at, int n, float[][] b) {
        for (int j = 0; j < LANES; j++) {
            m.read(x[j] + at, b[j], n);
        }
    }

    /** As {@link #sumLanes}, adding (x_j - mean[j])^2, each difference taken in double. */
    static void squaredDeviationLanes(NativeFloats m, int[] x, int count, double[] mean, double[] sums) {
        float[][] b = LANE_BUFFERS.get();
        float[] b0 = b[0];
        float[] b1 = b[1];
        float[] b2 = b[2];
        float[] b3 = b[3];
        double m0 = mean[0];
        double m1 = mean[1];
        double m2 = mean[2];
        double m3 = mean[3];
        double s0 = sums[0];
        double s1 = sums[1];
        double s2 = sums[2];
        double s3 = sums[3];
        for (int at = 0; at < count; at += LANE_CHUNK) {
            int n = Math.min(LANE_CHUNK, count - at);
            readLanes(m, x, at, n, b);
            for (int i = 0; i < n; i++) {
                double d0 = b0[i] - m0;
                double d1 = b1[i] - m1;
                double d2 = b2[i] - m2;
                double d3 = b3[i] - m3;
                s0 += d0 * d0;
                s1 += d1 * d1;
                s2 += d2 * d2;
                s3 += d3 * d3;
            }
        }
        sums[0] = s0;
        sums[1] = s1;
        sums[2] = s2;
        sums[3] = s3;
    }

    /** y = (x - mean) * scale + shift. */
    static void normalize(NativeFloats m, int x, int y, int count, float mean, float scale, float shift) {
        float[] b = BUFFERS.get()[0];
        for (int at = 0; at < count; at += CHUNK) {
            int n = Math.min(CHUNK, count - at);
            m.read(x + at, b, n);
            for (int i = 0; i < n; i++) {
                b[i] = (b[i] - mean) * scale + shift;
            }
            m.write(b, y + at, n);
        }
    }

    /**
     * Batch norm's two backward sums per lane (as {@link #sumLanes}):
     * sumDy[j] += dy_j and sumDyXhat[j] += dy_j * xhat_j, xhat_j = (x_j - mean[j]) * invStd[j] in
     * float, both added in double in index order. The products are formed first, lane by lane
     * (vectorised, the same float operations), so that the eight chains keep their sums in registers.
     */
    static void normalizeBackwardSumLanes(NativeFloats m, int[] x, int[] dy, int count, float[] mean, float[] invStd,
            double[] sumDy, double[] sumDyXhat) {
        float[][] b = LANE_BUFFERS.get();
        float[] x0 = b[0];
        float[] x1 = b[1];
        float[] x2 = b[2];
        float[] x3 = b[3];
        float[] g0 = b[4];
        float[] g1 = b[5];
        float[] g2 = b[6];
        float[] g3 = b[7];
        double d0 = sumDy[0];
        double d1 = sumDy[1];
        double d2 = sumDy[2];
        double d3 = sumDy[3];
        double e0 = sumDyXhat[0];
        double e1 = sumDyXhat[1];
        double e2 = sumDyXhat[2];
        double e3 = sumDyXhat[3];
        for (int at = 0; at < count; at += LANE_CHUNK) {
            int n = Math.min(LANE_CHUNK, count - at);
            for (int j = 0; j < LANES; j++) {
                float[] xs = b[j];
                float[] gs = b[LANES + j];
                m.read(x[j] + at, xs, n);
                m.read(dy[j] + at, gs, n);
                float mj = mean[j];
                float rj = invStd[j];
                for (int i = 0; i < n; i++) {
                    xs[i] = gs[i] * ((xs[i] - mj) * rj);
                }
            }
            for (int i = 0; i < n; i++) {
                d0 += g0[i];
                d1 += g1[i];
                d2 += g2[i];
                d3 += g3[i];
                e0 += x0[i];
                e1 += x1[i];
                e2 += x2[i];
                e3 += x3[i];
            }
        }
        sumDy[0] = d0;
        sumDy[1] = d1;
        sumDy[2] = d2;
        sumDy[3] = d3;
        sumDyXhat[0] = e0;
        sumDyXhat[1] = e1;
        sumDyXhat[2] = e2;
        sumDyXhat[3] = e3;
    }

    /** dx += k * (dy - meanDy - xhat * meanDyXhat), xhat = (x - mean) * invStd. */
    static void normalizeBackward(NativeFloats m, int x, int dy, int dx, int count, float mean, float invStd,
            float k, float meanDy, float meanDyXhat) {
        float[][] b = BUFFERS.get();
        float[] xs = b[0];
        float[] gs = b[1];
        float[] acc = b[2];
        for (int at = 0; at < count; at += CHUNK) {
            int n = Math.min(CHUNK, count - at);
            m.read(x + at, xs, n);
            m.read(dy + at, gs, n);
            m.read(dx + at, acc, n);
            for (int i = 0; i < n; i++) {
                float xhat = (xs[i] - mean) * invStd;
                acc[i] += k * (gs[i] - meanDy - xhat * meanDyXhat);
            }
            m.write(acc, dx + at, n);
        }
    }
}
