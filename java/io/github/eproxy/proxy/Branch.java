package io.github.eproxy.proxy;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One regression branch of Eproxy: a trainable transform (conv k x k with bias, ReLU, affine BN)
 * from a backbone tap to {@code midChannels}, then the frozen barrier conv (with bias) to
 * {@code outChannels}, regressed onto {@code level} times the sum of the selected features.
 *
 * @param tap             backbone tap: 0 final output, 1 before the second, 2 before the first down-sampling
 * @param transformKernel 1, 3 or 7
 * @param barrierKernel   1, 3 or 7
 * @param midChannels     transform width
 * @param outChannels     barrier width = target channels
 * @param features        the target's features; must not be empty
 * @param level           the target's scale
 */
public record Branch(int tap, int transformKernel, int barrierKernel, int midChannels, int outChannels,
        List<Feature> features, double level) {

    static final Set<Integer> KERNELS = Set.of(1, 3, 7);

    public Branch {
        features = List.copyOf(EnumSet.copyOf(features == null || features.isEmpty() ? EnumSet.noneOf(Feature.class) : features));
        check(tap >= 0 && tap <= 2, "tap must be 0, 1 or 2, got " + tap);
        check(KERNELS.contains(transformKernel), "transform kernel must be 1, 3 or 7, got " + transformKernel);
        check(KERNELS.contains(barrierKernel), "barrier kernel must be 1, 3 or 7, got " + barrierKernel);
        check(midChannels > 0 && outChannels > 0, "channels must be positive, got " + midChannels + " and " + outChannels);
        check(!features.isEmpty(), "a branch needs at least one feature (an empty set would make an all-zero target)");
        check(level > 0 && Double.isFinite(level), "level must be positive, got " + level);
    }

    /**
     * The plain Eproxy branch, the head of the reference's non-searched NB101 configuration: final
     * output, 1x1 transform to 512 channels, 3x3 barrier to 64, teacher target. The reference's
     * teacher output is not rescaled; level 2 brings our max-normalised teacher to about that scale.
     */
    public static Branch plain() {
        return new Branch(0, 1, 3, 512, 64, List.of(Feature.NET), 2.0);
    }

    /**
     * The head of the reference's 16-channel NB101 configuration ({@code config_loss_macs_nb101_nas_16c}):
     * final output, 3x3 transform to 128 channels, 3x3 barrier to 64, teacher plus high-frequency
     * waves, at level 2 for the same reason as {@link #plain()}.
     */
    public static Branch narrowNb101() {
        return new Branch(0, 3, 3, 128, 64, List.of(Feature.NET, Feature.WAVE_H), 2.0);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("branch: " + message);
        }
    }
}
