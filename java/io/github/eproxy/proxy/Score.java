package io.github.eproxy.proxy;

/**
 * Eproxy's verdict on one architecture. Lower {@code score} is better.
 *
 * @param arch       the architecture's text form
 * @param score      the evaluation loss of the last iteration, FLOPs-mixed when alpha != 0;
 *                   +infinity for degenerate and diverged networks
 * @param loss       the same loss before FLOPs mixing (NaN when not trained)
 * @param lossCurve  evaluation loss per iteration (empty when not trained)
 * @param macs       backbone multiply-adds per 3x32x32 image
 * @param params     backbone parameter count
 * @param degenerate the backbone's output does not depend on its input (scored worst, not trained)
 * @param diverged   the loss became NaN or infinite (scored worst)
 * @param millis     wall time of planning and training
 */
public record Score(String arch, double score, double loss, double[] lossCurve, long macs, long params,
        boolean degenerate, boolean diverged, double millis) {
}
