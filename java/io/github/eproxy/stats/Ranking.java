package io.github.eproxy.stats;

import java.util.Arrays;
import java.util.Comparator;
import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * How well a proxy ranks architectures against their true accuracies. Scores follow the proxy
 * convention "lower is better" (Eproxy's loss), so correlations are computed between the negated
 * scores and the accuracies. Spearman's rho uses average ranks for ties (Commons Math's
 * {@code NaturalRanking} default); Kendall's tau is tau-b. Infinite scores (degenerate or diverged
 * networks) rank last. NaN inputs are rejected; constant inputs give a NaN correlation, which
 * callers treat as the worst possible value.
 */
public final class Ranking {
    private Ranking() {
    }

    /** rho, tau and top-10% retrieval of {@code scores} (lower is better) against {@code accuracies}. */
    public record Quality(int n, double spearman, double kendall, double top10) {
    }

    public static Quality evaluate(double[] scores, double[] accuracies) {
        check(scores, accuracies);
        double[] negated = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            negated[i] = -scores[i];
        }
        return new Quality(scores.length, spearman(negated, accuracies), kendall(negated, accuracies),
                topRetrieval(negated, accuracies, 0.1));
    }

    /** Spearman's rho between x and y (higher x should mean higher y). */
    public static double spearman(double[] x, double[] y) {
        check(x, y);
        return new SpearmansCorrelation().correlation(finite(x), y);
    }

    /** Kendall's tau-b between x and y. */
    public static double kendall(double[] x, double[] y) {
        check(x, y);
        return new KendallsCorrelation().correlation(finite(x), y);
    }

    /**
     * The share of the truly best {@code fraction} (by y, at least one architecture) that is also
     * among the proxy's best {@code fraction} (by x, higher is better). Ties broken by index.
     */
    public static double topRetrieval(double[] x, double[] y, double fraction) {
        check(x, y);
        int k = Math.max(1, (int) Math.round(x.length * fraction));
        boolean[] proxyTop = new boolean[x.length];
        for (int i : topIndices(x, k)) {
            proxyTop[i] = true;
        }
        int hits = 0;
        for (int i : topIndices(y, k)) {
            if (proxyTop[i]) {
                hits++;
            }
        }
        return hits / (double) k;
    }

    private static int[] topIndices(double[] v, int k) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.comparingDouble((Integer i) -> -v[i]).thenComparingInt(i -> i));
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    /** Infinite scores become finite values beyond every finite one, preserving the order. */
    private static double[] finite(double[] v) {
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (double d : v) {
            if (Double.isFinite(d)) {
                lo = Math.min(lo, d);
                hi = Math.max(hi, d);
            }
        }
        double span = hi >= lo ? hi - lo + 1 : 1;
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == Double.NEGATIVE_INFINITY) {
                out[i] = (hi >= lo ? lo : 0) - span;
            } else if (out[i] == Double.POSITIVE_INFINITY) {
                out[i] = (hi >= lo ? hi : 0) + span;
            }
        }
        return out;
    }

    private static void check(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("need as many scores as accuracies, got " + x.length + " and " + y.length);
        }
        if (x.length < 2) {
            throw new IllegalArgumentException("need at least 2 architectures to rank, got " + x.length);
        }
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(x[i]) || Double.isNaN(y[i])) {
                throw new IllegalArgumentException("NaN at position " + i + ": score " + x[i] + ", accuracy " + y[i]);
            }
        }
    }
}
