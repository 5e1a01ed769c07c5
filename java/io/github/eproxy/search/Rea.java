package io.github.eproxy.search;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Regularised evolution (Real et al., AAAI 2019): a population of the {@code population} most
 * recent candidates; each cycle samples {@code sample} of them, mutates the fittest, evaluates the
 * child and lets the oldest member die. NaN fitness counts as the worst.
 *
 * <p>Every random draw of step i comes from a generator seeded by (seed, i), so a run resumed from
 * its history continues exactly as the uninterrupted run would have.
 */
public final class Rea<T> {

    /** What evolution works on. */
    public interface Problem<T> {
        T random(SplittableRandom rng);

        T mutate(T parent, SplittableRandom rng);

        /** Higher is better; NaN is treated as the worst value. */
        double fitness(T candidate);
    }

    /** One evaluated candidate, in evaluation order. */
    public record Member<T>(int step, T candidate, double fitness) {
        /** Fitness with NaN mapped to negative infinity. */
        public double rank() {
            return Double.isNaN(fitness) ? Double.NEGATIVE_INFINITY : fitness;
        }
    }

    private final Problem<T> problem;
    private final int population;
    private final int sample;
    private final long seed;
    private final List<Member<T>> history = new ArrayList<>();
    private final Deque<Member<T>> alive = new ArrayDeque<>();

    public Rea(Problem<T> problem, int population, int sample, long seed) {
        if (population < 1 || sample < 1 || sample > population) {
            throw new IllegalArgumentException("need 1 <= sample <= population, got sample " + sample
                    + ", population " + population);
        }
        this.problem = problem;
        this.population = population;
        this.sample = sample;
        this.seed = seed;
    }

    /** Replays earlier evaluations (from a journal) without re-evaluating them. */
    public void restore(List<Member<T>> earlier) {
        for (Member<T> m : earlier) {
            if (m.step() != history.size()) {
                throw new IllegalArgumentException("history step " + m.step() + " out of order (expected " + history.size() + ")");
            }
            admit(m);
        }
    }

    /** Evaluates until the history holds {@code total} candidates; {@code onEach} sees each new one. */
    public void run(int total, Consumer<Member<T>> onEach) {
        runUntil(total, m -> {
            onEach.accept(m);
            return false;
        });
    }

    /**
     * Evaluates until the history holds {@code total} candidates or {@code done} returns true for a
     * new one (it sees each new candidate once).
     */
    public void runUntil(int total, Predicate<Member<T>> done) {
        while (history.size() < total) {
            int step = history.size();
            SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
            T child = step < population ? problem.random(rng) : problem.mutate(tournament(rng).candidate(), rng);
            Member<T> m = new Member<>(step, child, problem.fitness(child));
            admit(m);
            if (done.test(m)) {
                return;
            }
        }
    }

    private void admit(Member<T> m) {
        history.add(m);
        alive.addLast(m);
        if (alive.size() > population) {
            alive.removeFirst();
        }
    }

    private Member<T> tournament(SplittableRandom rng) {
        List<Member<T>> pool = new ArrayList<>(alive);
        Collections.shuffle(pool, new java.util.Random(rng.nextLong()));
        Member<T> best = null;
        for (Member<T> m : pool.subList(0, sample)) {
            if (best == null || m.rank() > best.rank()) {
                best = m;
            }
        }
        return best;
    }

    public List<Member<T>> history() {
        return Collections.unmodifiableList(history);
    }

    /** The current population, oldest first. */
    public List<Member<T>> alive() {
        return List.copyOf(alive);
    }

    /** The fittest candidate evaluated so far (earliest among equals). */
    public Member<T> best() {
        Member<T> best = null;
        for (Member<T> m : history) {
            if (best == null || m.rank() > best.rank()) {
                best = m;
            }
        }
        return best;
    }
}
