package io.github.eproxy.search.nas;

import io.github.eproxy.search.Rea;
import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.SearchSpace;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/** Evolution over a search space's architectures: uniform draws, one-gene mutations, a given fitness (higher is better). */
public record ArchitectureProblem(SearchSpace space, ToDoubleFunction<Architecture> fitness) implements Rea.Problem<Architecture> {

    @Override
    public Architecture random(SplittableRandom rng) {
        return space.sample(rng);
    }

    @Override
    public Architecture mutate(Architecture parent, SplittableRandom rng) {
        return space.mutate(parent, rng);
    }

    @Override
    public double fitness(Architecture candidate) {
        return fitness.applyAsDouble(candidate);
    }
}
