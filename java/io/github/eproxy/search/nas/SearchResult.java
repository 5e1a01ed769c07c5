package io.github.eproxy.search.nas;

import java.util.List;

/**
 * The outcome of one architecture search: how many candidates evolution evaluated (and how many
 * distinct ones), how many benchmark queries it took to reach the benchmark's best architecture
 * (-1 when it was never reached), and, for each query budget in {@code budgets}, the best true
 * accuracy within at most that many queries ({@code bestAccuracy}, same order; a search that had
 * fewer distinct architectures to query stops early).
 */
public record SearchResult(String method, long seed, int evaluations, int distinct, int queriesToOptimum,
        List<Integer> budgets, List<Double> bestAccuracy) {

    public SearchResult {
        budgets = List.copyOf(budgets);
        bestAccuracy = List.copyOf(bestAccuracy);
    }

    public boolean foundOptimum() {
        return queriesToOptimum > 0;
    }
}
