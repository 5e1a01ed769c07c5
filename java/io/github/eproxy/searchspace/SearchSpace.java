package io.github.eproxy.searchspace;

import java.util.SplittableRandom;

/** A family of architectures: parse, sample and mutate them, and know the largest one's cost. */
public interface SearchSpace {

    /** Short name: {@code nb201} or {@code nb101}. */
    String name();

    /** Parses the canonical text form; throws {@link IllegalArgumentException} saying what is wrong and where. */
    Architecture parse(String text);

    Architecture sample(SplittableRandom rng);

    /** A neighbour of {@code arch}: one gene redrawn to a different value. */
    Architecture mutate(Architecture arch, SplittableRandom rng);

    /** Whether {@code arch} is a network of this space, at this space's widths. */
    boolean contains(Architecture arch);

        /** Multiply-adds per 3x32x32 image of the largest backbone, for FLOPs normalisation. */
    long maxMacs();

    static SearchSpace named(String name) {
        switch (name) {
            case "nb201":
                return new Nb201();
            case "nb101":
                return new Nb101(Nb101.DEFAULT_STEM);
            default:
                throw new IllegalArgumentException("unknown search space '" + name + "' (expected nb201 or nb101)");
        }
    }
}
