package io.github.eproxy.search.nas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eproxy.search.Rea;
import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.Benchmark;
import io.github.eproxy.searchspace.Nb101;
import io.github.eproxy.searchspace.Nb201;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArchitectureSearchTest {
    private static final Nb201 SPACE = new Nb201();
    private static final Oracle ORACLE = new Oracle(Benchmark.load(SPACE));
    private static final int[] BUDGETS = {1, 10, 100};

    private static ArchitectureSearch search() {
        return new ArchitectureSearch(SPACE, ORACLE, 20, 5, BUDGETS);
    }

    @Test
    void rankingKeepsEachArchitectureOnceFittestFirstEarlierFirstAmongEquals() {
        Architecture a = SPACE.cell(1);
        Architecture b = SPACE.cell(2);
        Architecture c = SPACE.cell(3);
        List<Rea.Member<Architecture>> history = List.of(
                new Rea.Member<>(0, a, 0.5), new Rea.Member<>(1, b, Double.NaN), new Rea.Member<>(2, c, 0.9),
                new Rea.Member<>(3, a, 0.5), new Rea.Member<>(4, SPACE.cell(4), 0.5));
        List<Architecture> ranked = ArchitectureSearch.rankedByFitness(history);
        assertEquals(List.of(c, a, SPACE.cell(4), b), ranked);
    }

    @Test
    void evolutionOnTheBenchmarkStopsAtTheOptimumAndCountsDistinctQueries() {
        SearchResult r = search().onBenchmark(3, 20_000);
        assertTrue(r.foundOptimum(), "plain REA meets the optimum within 20,000 evaluations");
        assertEquals(r.distinct(), r.queriesToOptimum(), "the run stops at the query that found it");
        assertTrue(r.evaluations() >= r.distinct());
        assertEquals(ORACLE.best(), r.bestAccuracy().get(2), r.queriesToOptimum() <= 100 ? 0 : 1.0);
        assertTrue(r.bestAccuracy().get(0) <= r.bestAccuracy().get(1) && r.bestAccuracy().get(1) <= r.bestAccuracy().get(2));
        assertEquals(r, search().onBenchmark(3, 20_000), "a seed reproduces the run");
    }

    @Test
    void aPerfectProxyNeedsOneQueryForTheBestItVisited() {
        SearchResult r = search().proxyGuided("oracle", ORACLE::accuracy, 7, 200);
        assertEquals(200, r.evaluations());
        assertTrue(r.distinct() <= 200);
        double bestVisited = r.bestAccuracy().get(2);
        assertEquals(bestVisited, r.bestAccuracy().get(0), 0.0, "the first query is the best architecture of the history");
        if (r.foundOptimum()) {
            assertEquals(1, r.queriesToOptimum());
        }
    }

    @Test
    void anInvertedProxyRanksTheWorstFirst() {
        SearchResult good = search().proxyGuided("oracle", ORACLE::accuracy, 1, 150);
        SearchResult bad = search().proxyGuided("inverted", a -> -ORACLE.accuracy(a), 1, 150);
        assertTrue(bad.bestAccuracy().get(0) < good.bestAccuracy().get(0) - 5,
                "worst-first ranking gives a much lower first query: " + bad.bestAccuracy().get(0) + " vs " + good.bestAccuracy().get(0));
    }

    @Test
    void anArchitectureOutsideTheTableIsAnErrorThatSaysSo() {
        Oracle sample = new Oracle(Benchmark.load(new Nb101(16), Benchmark.NB101_20));
        Nb101 nb101 = new Nb101(16);
        Architecture outside = nb101.sample(new java.util.SplittableRandom(5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sample.accuracy(outside));
        assertTrue(e.getMessage().contains("is not in the benchmark table (20 architectures)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ArchitectureSearch(SPACE, ORACLE, 20, 5, new int[] {0}));
    }
}
