package io.github.eproxy.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReaTest {
    /** Integers; fitness is the value itself (NaN for multiples of 7), mutation adds -3..3. */
    static final Rea.Problem<Integer> COUNT = new Rea.Problem<>() {
        public Integer random(SplittableRandom rng) {
            return rng.nextInt(100);
        }

        public Integer mutate(Integer parent, SplittableRandom rng) {
            return parent + rng.nextInt(7) - 3;
        }

        public double fitness(Integer c) {
            return c % 7 == 0 ? Double.NaN : c;
        }
    };

    @Test
    void populationKeepsItsSizeAndTheOldestDies() {
        Rea<Integer> rea = new Rea<>(COUNT, 5, 2, 1);
        rea.run(30, m -> { });
        assertEquals(30, rea.history().size());
        List<Rea.Member<Integer>> alive = rea.alive();
        assertEquals(5, alive.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(25 + i, alive.get(i).step(), "the population is the 5 most recent members");
        }
    }

    @Test
    void evolutionClimbsAndNaNCountsAsWorst() {
        Rea<Integer> rea = new Rea<>(COUNT, 10, 5, 3);
        rea.run(200, m -> { });
        double firstBest = rea.history().subList(0, 10).stream().mapToDouble(Rea.Member::rank).max().getAsDouble();
        assertTrue(rea.best().fitness() > firstBest + 50, "evolution should climb: " + rea.best());
        assertTrue(!Double.isNaN(rea.best().fitness()));
    }

    @Test
    void resumingFromTheHistoryContinuesIdentically() {
        Rea<Integer> whole = new Rea<>(COUNT, 6, 3, 9);
        whole.run(40, m -> { });
        Rea<Integer> first = new Rea<>(COUNT, 6, 3, 9);
        first.run(17, m -> { });
        Rea<Integer> resumed = new Rea<>(COUNT, 6, 3, 9);
        resumed.restore(new ArrayList<>(first.history()));
        resumed.run(40, m -> { });
        assertEquals(whole.history(), resumed.history());
    }
}
