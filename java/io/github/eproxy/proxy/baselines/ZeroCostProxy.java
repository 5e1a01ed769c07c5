package io.github.eproxy.proxy.baselines;

import io.github.eproxy.searchspace.Architecture;

/**
 * A proxy for an architecture's trained accuracy, computed without training it to convergence.
 * Implementations are thread-safe: {@link #score} may run for several architectures at once.
 */
public interface ZeroCostProxy extends AutoCloseable {

    /** Short name, as on the command line: {@code eproxy}, {@code naswot}, ... */
    String name();

    /** Whether a higher score predicts a better architecture (Eproxy's loss: lower is better). */
    boolean higherIsBetter();

    /** The raw score; an architecture the proxy cannot judge gets the worst value (+/- infinity). */
    double score(Architecture arch);

    /**
     * Where the proxy's network passes run: {@code cpu} or {@code cuda}; {@code none} for a proxy
     * that only counts (FLOPs, parameters).
     */
    default String engine() {
        return "cpu";
    }

    /** The score in the "lower is better" convention of {@link io.github.eproxy.stats.Ranking}. */
    default double rankingScore(Architecture arch) {
        double s = score(arch);
        return higherIsBetter() ? -s : s;
    }

    @Override
    default void close() {
    }
}
