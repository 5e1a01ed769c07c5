package io.github.eproxy.search;

import io.github.eproxy.graph.Init;
import io.github.eproxy.proxy.Branch;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.proxy.Feature;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The space Discrete Proxy Search explores (paper Section 2.2, reference implementation): 1 to 3
 * branches, each with a tap, transform and barrier kernels from {1, 3, 7}, widths from
 * {16, ..., 512}, a feature set (each feature drawn with probability 0.2; an empty set is drawn
 * again, since it would make an all-zero target) and a level from {0.5, 1, 1.5, 2}; learning rate
 * 0.5..1.5 and alpha -0.5..0.5 in steps of 0.1; network and barrier initialisation from the four
 * Kaiming/Xavier schemes. Mutation redraws each gene, and flips each feature flag, with
 * probability 0.2. Settings outside the space (iterations, images, seed, batch) come from a base
 * configuration.
 */
public final class ProxySpace implements Rea.Problem<EproxyConfig> {
    static final int[] KERNELS = {1, 3, 7};
    static final int[] WIDTHS = {16, 32, 64, 128, 256, 512};
    static final double[] LEVELS = {0.5, 1, 1.5, 2};
    static final Init[] INITS = {Init.XAVIER_UNIFORM, Init.XAVIER_NORMAL, Init.KAIMING_UNIFORM, Init.KAIMING_NORMAL};
    static final double MUTATION = 0.2;

    private final EproxyConfig base;
    private final int maxWidth;
    private final Fitness fitness;

    /** Fitness of a configuration (DPS: rank correlation on the training architectures). */
    public interface Fitness {
        double of(EproxyConfig config);
    }

    /**
     * @param base     supplies the settings DPS does not search
     * @param maxWidth the largest c_mid / c_out drawn (512 in the paper; smaller keeps CPU runs short)
     */
    public ProxySpace(EproxyConfig base, int maxWidth, Fitness fitness) {
        if (maxWidth < WIDTHS[0]) {
            throw new IllegalArgumentException("max width must be >= " + WIDTHS[0] + ", got " + maxWidth);
        }
        this.base = base;
        this.maxWidth = maxWidth;
        this.fitness = fitness;
    }

    @Override
    public EproxyConfig random(SplittableRandom rng) {
        int count = 1 + rng.nextInt(3);
        List<Branch> branches = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            branches.add(randomBranch(rng));
        }
        return config(branches, lr(rng), alpha(rng), INITS[rng.nextInt(INITS.length)], INITS[rng.nextInt(INITS.length)]);
    }

    @Override
    public EproxyConfig mutate(EproxyConfig parent, SplittableRandom rng) {
        List<Branch> branches = new ArrayList<>();
        int count = rng.nextDouble() < MUTATION ? 1 + rng.nextInt(3) : parent.branches().size();
        for (int i = 0; i < count; i++) {
            branches.add(i < parent.branches().size() ? mutateBranch(parent.branches().get(i), rng) : randomBranch(rng));
        }
        return config(branches,
                rng.nextDouble() < MUTATION ? lr(rng) : parent.lr(),
                rng.nextDouble() < MUTATION ? alpha(rng) : parent.alpha(),
                rng.nextDouble() < MUTATION ? INITS[rng.nextInt(INITS.length)] : parent.netInit(),
                rng.nextDouble() < MUTATION ? INITS[rng.nextInt(INITS.length)] : parent.barrierInit());
    }

    @Override
    public double fitness(EproxyConfig candidate) {
        return fitness.of(candidate);
    }

    private Branch randomBranch(SplittableRandom rng) {
        return new Branch(rng.nextInt(3), KERNELS[rng.nextInt(3)], KERNELS[rng.nextInt(3)], width(rng), width(rng),
                features(rng), LEVELS[rng.nextInt(LEVELS.length)]);
    }

    private Branch mutateBranch(Branch b, SplittableRandom rng) {
        EnumSet<Feature> features;
        do {
            features = EnumSet.copyOf(b.features());
            for (Feature f : Feature.values()) {
                if (rng.nextDouble() < MUTATION && !features.remove(f)) {
                    features.add(f);
                }
            }
        } while (features.isEmpty());
        return new Branch(
                rng.nextDouble() < MUTATION ? rng.nextInt(3) : b.tap(),
                rng.nextDouble() < MUTATION ? KERNELS[rng.nextInt(3)] : b.transformKernel(),
                rng.nextDouble() < MUTATION ? KERNELS[rng.nextInt(3)] : b.barrierKernel(),
                rng.nextDouble() < MUTATION ? width(rng) : Math.min(b.midChannels(), maxWidth),
                rng.nextDouble() < MUTATION ? width(rng) : Math.min(b.outChannels(), maxWidth),
                List.copyOf(features),
                rng.nextDouble() < MUTATION ? LEVELS[rng.nextInt(LEVELS.length)] : b.level());
    }

    private static List<Feature> features(SplittableRandom rng) {
        EnumSet<Feature> set = EnumSet.noneOf(Feature.class);
        while (set.isEmpty()) {
            for (Feature f : Feature.values()) {
                if (rng.nextDouble() < MUTATION) {
                    set.add(f);
                }
            }
        }
        return List.copyOf(set);
    }

    private int width(SplittableRandom rng) {
        int choices = 0;
        while (choices < WIDTHS.length && WIDTHS[choices] <= maxWidth) {
            choices++;
        }
        return WIDTHS[rng.nextInt(choices)];
    }

    /** 0.5, 0.6, ..., 1.5 (rounded to one decimal so configs print cleanly). */
    private static double lr(SplittableRandom rng) {
        return (5 + rng.nextInt(11)) / 10.0;
    }

    /** -0.5, -0.4, ..., 0.5. */
    private static double alpha(SplittableRandom rng) {
        return (rng.nextInt(11) - 5) / 10.0;
    }

    private EproxyConfig config(List<Branch> branches, double lr, double alpha, Init netInit, Init barrierInit) {
        return new EproxyConfig(branches, lr, base.momentum(), base.weightDecay(), base.iterations(), alpha, netInit,
                barrierInit, base.seed(), base.batchSize(), base.augment(), base.images());
    }
}
