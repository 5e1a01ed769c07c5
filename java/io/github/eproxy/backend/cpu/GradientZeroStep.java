package io.github.eproxy.backend.cpu;

import io.github.eproxy.plan.Plan;

/**
 * Sets to zero the gradient buffers that a backward step is the first to accumulate into, split over
 * the threads like any step. Done on the calling thread alone, this zeroing was 6% of a two-thread
 * NB201 run (about 900 MB per run), with the other thread waiting.
 */
final class GradientZeroStep extends Step {
    private final int[] offsets;
    private final int[] counts;

    GradientZeroStep(Plan plan, Memory m, int[] nodeIds) {
        super(plan, null, m);
        offsets = new int[nodeIds.length];
        counts = new int[nodeIds.length];
        for (int j = 0; j < nodeIds.length; j++) {
            offsets[j] = plan.grad[nodeIds[j]];
            counts[j] = plan.node(nodeIds[j]).shape().numel();
        }
    }

    @Override
    void forward(int part, int parts) {
        for (int j = 0; j < offsets.length; j++) {
            int from = lo(counts[j], part, parts);
            a.zero(offsets[j] + from, hi(counts[j], part, parts) - from);
        }
    }

    @Override
    void backward(int part, int parts) {
        throw new UnsupportedOperationException("zeroing has no backward");
    }
}
