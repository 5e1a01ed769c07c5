package io.github.eproxy.backend;

import io.github.eproxy.plan.Plan;

/**
 * Everything a backend needs to train one planned net.
 *
 * @param plan       the planned net
 * @param params     initial parameter values in the plan's parameter layout ({@code plan.paramSize})
 * @param input      the input batch, NCHW
 * @param targets    one fixed tensor per target index, shaped like its loss's prediction
 * @param sgd        optimiser settings
 * @param iterations number of forward passes; each but the last is followed by backward and update
 *                   (the last update cannot change any reported loss, so it is skipped)
 */
public record TrainingRun(Plan plan, float[] params, float[] input, float[][] targets, SgdSettings sgd, int iterations) {
    public TrainingRun {
        if (params.length != plan.paramSize) {
            throw new IllegalArgumentException("expected " + plan.paramSize + " parameter values, got " + params.length);
        }
        if (input.length != plan.net.input().shape().numel()) {
            throw new IllegalArgumentException("input has " + input.length + " values, net expects "
                    + plan.net.input().shape());
        }
        if (targets.length != plan.targetCount()) {
            throw new IllegalArgumentException("expected " + plan.targetCount() + " targets, got " + targets.length);
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
        }
    }

    /** The same run with another number of forward passes. */
    public TrainingRun withIterations(int count) {
        return new TrainingRun(plan, params, input, targets, sgd, count);
    }
}
