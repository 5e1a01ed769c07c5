package io.github.eproxy.search.nas;

import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.Benchmark;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A benchmark table as a lookup of true accuracies; the search needs one that covers the whole space. */
public final class Oracle {
    private final Map<String, Double> accuracy = new HashMap<>();
    private final double best;

    public Oracle(List<Benchmark.Entry> table) {
        double max = Double.NEGATIVE_INFINITY;
        for (Benchmark.Entry e : table) {
            accuracy.put(e.arch().id(), e.accuracy());
            max = Math.max(max, e.accuracy());
        }
        if (accuracy.isEmpty()) {
            throw new IllegalArgumentException("the benchmark table is empty");
        }
        best = max;
    }

    /** The true accuracy of {@code arch}; an architecture the table lacks is an error that says so. */
    public double accuracy(Architecture arch) {
        Double a = accuracy.get(arch.id());
        if (a == null) {
            throw new IllegalArgumentException("architecture " + arch.id() + " is not in the benchmark table ("
                    + accuracy.size() + " architectures); architecture search needs a table of the whole space");
        }
        return a;
    }

    /** The highest accuracy in the table: the global optimum's. */
    public double best() {
        return best;
    }

    public int size() {
        return accuracy.size();
    }
}
