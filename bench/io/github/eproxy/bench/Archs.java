package io.github.eproxy.bench;

import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.SearchSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The benchmarks' architecture sets: {@code count} uniform draws from a space (repeats kept, as drawn). */
final class Archs {
    private Archs() {
    }

    static List<Architecture> uniform(SearchSpace space, int count, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Architecture> archs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            archs.add(space.sample(rng));
        }
        return archs;
    }
}
