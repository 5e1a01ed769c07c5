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

    /** {@code start} plus the (x - mean)^2 over x[0..count), added in double in index order. */
    static double squaredDeviation(NativeFloats m, int x, int count, double mean, double start) {
        float[] b = BUFFERS.get()[0];
        double s = start;
        for (int at = 0; at < count; at += CHUNK) {
            int n = Math.min(CHUNK, count - at);
            m.read(x + at, b, n);
            for (int i = 0; i < n; i++) {
                double d = b[i] - mean;
                s += d * d;
            }
        }
        return s;
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
     * Batch norm's two backward sums over one plane, added to {@code sums}: [0] += dy, [1] += dy * xhat
     * with xhat = (x - mean) * invStd, both in double, in index order.
     */
    static void normalizeBackwardSums(NativeFloats m, int x, int dy, int count, float mean, float invStd,
            double[] sums) {
        float[][] b = BUFFERS.get();
        float[] xs = b[0];
        float[] gs = b[1];
        double sumDy = sums[0];
        double sumDyXhat = sums[1];
        for (int at = 0; at < count; at += CHUNK) {
            int n = Math.min(CHUNK, count - at);
            m.read(x + at, xs, n);
            m.read(dy + at, gs, n);
            for (int i = 0; i < n; i++) {
                float g = gs[i];
                sumDy += g;
                sumDyXhat += g * ((xs[i] - mean) * invStd);
            }
        }
        sums[0] = sumDy;
        sums[1] = sumDyXhat;
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
