package io.github.eproxy.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Each staged loop against its plain per-element form on the same native data, bit for bit, at
 * lengths below, at and across the chunk size and at unaligned offsets.
 */
class StagedLoopsTest {
    private static final int[] COUNTS = {1, 7, StagedLoops.CHUNK - 1, StagedLoops.CHUNK, 2 * StagedLoops.CHUNK + 13};
    private static final int LEN = 2 * StagedLoops.CHUNK + 13;
    // three operand regions and a result region, at odd offsets
    private static final int X = 3;
    private static final int Y = X + LEN + 5;
    private static final int Z = Y + LEN + 1;
    private static final int SIZE = Z + LEN + 2;

    private final Random random = new Random(11);

    /** Fresh operands: x signed, y a ReLU output (zeros, subnormals, ordinary and huge values), z signed. */
    private float[] operands() {
        float[] v = new float[SIZE];
        for (int i = 0; i < SIZE; i++) {
            v[i] = (float) random.nextGaussian();
        }
        for (int i = Y; i < Y + LEN; i++) {
            int kind = random.nextInt(8);
            v[i] = kind < 3 ? 0f : kind == 3 ? Float.MIN_VALUE * (1 + random.nextInt(100)) : kind == 4 ? 3e37f : Math.abs(v[i]);
        }
        return v;
    }

    private interface Staged {
        void run(NativeFloats m, int count);
    }

    private interface Plain {
        void run(float[] v, int count);
    }

    private void sameAsPlain(Staged staged, Plain plain) {
        for (int count : COUNTS) {
            float[] v = operands();
            float[] expected = v.clone();
            plain.run(expected, count);
            try (NativeBuffer buf = new NativeBuffer()) {
                buf.ensure(SIZE);
                buf.copyIn(v);
                staged.run(buf.floats(), count);
                assertArrayEquals(expected, buf.copyOut(0, SIZE), "count " + count);
            }
        }
    }

    @Test
    void relu() {
        sameAsPlain((m, n) -> StagedLoops.relu(m, X, Z, n), (v, n) -> {
            for (int i = 0; i < n; i++) {
                v[Z + i] = Math.max(v[X + i], 0f);
            }
        });
    }

    @Test
    void reluBackwardPassesGradientExactlyWhereOutputIsPositive() {
        sameAsPlain((m, n) -> StagedLoops.reluBackward(m, Y, X, Z, n), (v, n) -> {
            for (int i = 0; i < n; i++) {
                if (v[Y + i] > 0f) {
                    v[Z + i] += v[X + i];
                }
            }
        });
    }

    @Test
    void addAndAccumulate() {
        sameAsPlain((m, n) -> StagedLoops.add(m, X, Y, Z, n), (v, n) -> {
            for (int i = 0; i < n; i++) {
                v[Z + i] = v[X + i] + v[Y + i];
            }
        });
        sameAsPlain((m, n) -> StagedLoops.accumulate(m, Z, X, n), (v, n) -> {
            for (int i = 0; i < n; i++) {
                v[Z + i] += v[X + i];
            }
        });
        sameAsPlain((m, n) -> StagedLoops.sum(m, new int[] {X - 1, Y, X}, 1, Z, n), (v, n) -> {
            for (int i = 0; i < n; i++) {
                v[Z + i] = v[X + i] + v[Y + 1 + i] + v[X + 1 + i];
            }
        });
        sameAsPlain((m, n) -> StagedLoops.addConstant(m, Z, n, 0.37f), (v, n) -> {
            for (int i = 0; i < n; i++) {
                v[Z + i] += 0.37f;
            }
        });
    }

    @Test
    void normalizeForwardAndBackward() {
        sameAsPlain((m, n) -> StagedLoops.normalize(m, X, Z, n, 0.1f, 1.7f, -0.2f), (v, n) -> {
            for (int i = 0; i < n; i++) {
                v[Z + i] = (v[X + i] - 0.1f) * 1.7f + -0.2f;
            }
        });
        sameAsPlain((m, n) -> StagedLoops.normalizeBackward(m, X, Y, Z, n, 0.1f, 1.7f, 0.9f, 0.05f, -0.3f), (v, n) -> {
            for (int i = 0; i < n; i++) {
                float xhat = (v[X + i] - 0.1f) * 1.7f;
                v[Z + i] += 0.9f * (v[Y + i] - 0.05f - xhat * -0.3f);
            }
        });
    }

    @Test
    void sumsContinueFromTheirStartInIndexOrder() {
        for (int count : COUNTS) {
            float[] v = operands();
            double sum = 0.25;
            for (int i = 0; i < count; i++) {
                sum += v[X + i];
            }
            try (NativeBuffer buf = new NativeBuffer()) {
                buf.ensure(SIZE);
                buf.copyIn(v);
                assertEquals(sum, StagedLoops.sum(buf.floats(), X, count, 0.25));
            }
        }
    }

    /** Each lane is its own chain in index order, exactly as one channel at a time; a lane may repeat another's operand. */
    @Test
    void laneSumsEachMatchTheirOwnChain() {
        int[] lanes = {X, Y, X + 1, Y};
        int[] grads = {Z, Z + 2, X, Z};
        double[] mean = {0.3, -0.1, 1e-3, 0.3};
        float[] meanF = {0.1f, -0.2f, 0f, 0.1f};
        float[] invStd = {1.7f, 0.3f, 12f, 1.7f};
        for (int count : new int[] {1, 7, StagedLoops.LANE_CHUNK - 1, StagedLoops.LANE_CHUNK, 3 * StagedLoops.LANE_CHUNK + 5}) {
            float[] v = operands();
            double[] sum = new double[StagedLoops.LANES];
            double[] sq = new double[StagedLoops.LANES];
            double[] sumDy = new double[StagedLoops.LANES];
            double[] sumDyXhat = new double[StagedLoops.LANES];
            for (int j = 0; j < StagedLoops.LANES; j++) {
                sum[j] = 0.25 * j;
                sq[j] = 0.5 * j;
                sumDy[j] = -j;
                sumDyXhat[j] = 2 * j;
                for (int i = 0; i < count; i++) {
                    float xv = v[lanes[j] + i];
                    sum[j] += xv;
                    double d = xv - mean[j];
                    sq[j] += d * d;
                    float dy = v[grads[j] + i];
                    sumDy[j] += dy;
                    sumDyXhat[j] += dy * ((xv - meanF[j]) * invStd[j]);
                }
            }
            try (NativeBuffer buf = new NativeBuffer()) {
                buf.ensure(SIZE);
                buf.copyIn(v);
                NativeFloats m = buf.floats();
                double[] gotSum = {0, 0.25, 0.5, 0.75};
                double[] gotSq = {0, 0.5, 1, 1.5};
                double[] gotDy = {0, -1, -2, -3};
                double[] gotDyXhat = {0, 2, 4, 6};
                StagedLoops.sumLanes(m, lanes, count, gotSum);
                StagedLoops.squaredDeviationLanes(m, lanes, count, mean, gotSq);
                StagedLoops.normalizeBackwardSumLanes(m, lanes, grads, count, meanF, invStd, gotDy, gotDyXhat);
                assertArrayEquals(sum, gotSum, "count " + count);
                assertArrayEquals(sq, gotSq, "count " + count);
                assertArrayEquals(sumDy, gotDy, "count " + count);
                assertArrayEquals(sumDyXhat, gotDyXhat, "count " + count);
                assertArrayEquals(v, buf.copyOut(0, SIZE), "the lane sums leave memory as it was");
            }
        }
    }
}
