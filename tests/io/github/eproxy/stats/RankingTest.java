package io.github.eproxy.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Golden values computed with SciPy 1.17.1: {@code scipy.stats.spearmanr(x, y)} and
 * {@code scipy.stats.kendalltau(x, y)} (tau-b) on the vectors below.
 */
class RankingTest {
    private static final double[] X = {1, 2, 3, 4, 5, 6, 7, 8};
    private static final double[] Y = {2, 1, 4, 3, 6, 5, 8, 7};
    private static final double[] TIES_X = {1, 2, 2, 3, 4, 4, 4, 5};
    private static final double[] TIES_Y = {1, 3, 2, 4, 4, 5, 6, 6};

    @Test
    void spearmanAndKendallWithoutTies() {
        // spearmanr: 1 - 6*8/(8*63) = 0.9047619047619048; kendalltau: (24-4)/28 = 0.7142857142857143
        assertEquals(0.9047619047619048, Ranking.spearman(X, Y), 1e-12);
        assertEquals(0.7142857142857143, Ranking.kendall(X, Y), 1e-12);
    }

    @Test
    void tiesUseAverageRanksAndTauB() {
        // scipy.stats.spearmanr(TIES_X, TIES_Y).statistic, scipy.stats.kendalltau(TIES_X, TIES_Y).statistic
        assertEquals(0.9318388040070494, Ranking.spearman(TIES_X, TIES_Y), 1e-12);
        assertEquals(0.8807048459279794, Ranking.kendall(TIES_X, TIES_Y), 1e-12);
    }

    @Test
    void lowerScoreIsBetterAndInfinityRanksLast() {
        double[] scores = {0.5, 0.4, Double.POSITIVE_INFINITY, 0.3};
        double[] acc = {70, 80, 10, 90};
        Ranking.Quality q = Ranking.evaluate(scores, acc);
        assertEquals(1.0, q.spearman(), 1e-12);
        assertEquals(1.0, q.kendall(), 1e-12);
        assertEquals(1.0, q.top10(), 1e-12);
    }

    @Test
    void topTenPercentRetrieval() {
        double[] proxy = new double[20];
        double[] truth = new double[20];
        for (int i = 0; i < 20; i++) {
            proxy[i] = i;
            truth[i] = i;
        }
        assertEquals(1.0, Ranking.topRetrieval(proxy, truth, 0.1));
        proxy[19] = -1; // the true best is now ranked worst by the proxy: top-2 holds 18 only
        assertEquals(0.5, Ranking.topRetrieval(proxy, truth, 0.1));
    }

    @Test
    void constantScoresGiveNaNAndNaNInputIsRejected() {
        assertTrue(Double.isNaN(Ranking.spearman(new double[] {1, 1, 1}, new double[] {1, 2, 3})));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ranking.spearman(new double[] {1, Double.NaN}, new double[] {1, 2}));
        assertTrue(e.getMessage().contains("position 1"));
    }
}
