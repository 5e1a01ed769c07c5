package io.github.eproxy.backend;

/**
 * Losses of a training run, one entry per iteration, each computed from that iteration's forward
 * pass (before its update).
 *
 * @param train the training loss: the plain sum of all MSE losses
 * @param eval  the evaluation loss: the sum of each MSE loss times its weight
 */
public record LossCurve(double[] train, double[] eval) {

    /** The evaluation loss of the last iteration: Eproxy's score before FLOPs mixing. */
    public double lastEval() {
        return eval[eval.length - 1];
    }

    /** True if any loss is NaN or infinite. */
    public boolean diverged() {
        for (double v : eval) {
            if (!Double.isFinite(v)) {
                return true;
            }
        }
        return false;
    }
}
