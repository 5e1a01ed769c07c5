package io.github.eproxy.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

/** Assertions and random data for numeric tests. */
public final class Tensors {
    private Tensors() {
    }

    public static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /**
     * Fails when {@code |actual - expected| > atol + rtol * |expected|} anywhere, listing the first
     * five mismatches and the largest absolute and relative errors.
     */
    public static void assertClose(String name, double[] expected, double[] actual, double atol, double rtol) {
        if (expected.length != actual.length) {
            fail(name + ": lengths differ, " + expected.length + " vs " + actual.length);
        }
        StringBuilder bad = new StringBuilder();
        int mismatches = 0;
        double maxAbs = 0;
        double maxRel = 0;
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(actual[i] - expected[i]);
            maxAbs = Math.max(maxAbs, diff);
            maxRel = Math.max(maxRel, diff / Math.max(Math.abs(expected[i]), 1e-30));
            if (!(diff <= atol + rtol * Math.abs(expected[i]))) {
                if (++mismatches <= 5) {
                    bad.append(String.format("%n  [%d] expected %.8g, got %.8g", i, expected[i], actual[i]));
                }
            }
        }
        if (mismatches > 0) {
            fail(String.format("%s: %d of %d values differ (atol %.1e, rtol %.1e); max abs error %.3e, max rel error %.3e:%s",
                    name, mismatches, expected.length, atol, rtol, maxAbs, maxRel, bad));
        }
    }

    public static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
