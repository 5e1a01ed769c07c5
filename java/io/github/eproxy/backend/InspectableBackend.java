package io.github.eproxy.backend;

/**
 * A backend whose single passes can be looked into: one forward and backward pass without an
 * update, then any node's output and output gradient and the parameter gradients. The baseline
 * proxies are computed from these. Reading any node needs a plan made without buffer reuse
 * ({@code new Planner(threads, false)}), since shared buffers are overwritten later in the pass.
 */
public interface InspectableBackend extends Backend {

    /**
     * One forward and one backward pass at the run's initial parameters, without an update (the
     * run's optimiser settings and iteration count are not used); returns the training loss.
     */
    double gradients(TrainingRun run);

    /** The output of a node in the last run's final forward pass. */
    float[] output(int node);

    /** The loss's gradient with respect to a node's output, after {@link #gradients}. */
    float[] outputGradient(int node);

    /** Parameter gradients of the last backward pass, in the plan's layout (frozen parameters read 0). */
    float[] paramGradients();

    /**
     * From now on, every ReLU of the last run's plan passes exactly the units that were active in
     * its last forward pass, and every max pool takes the inputs it chose there, whatever the
     * input: around those parameters the network is then the smooth function whose derivatives
     * autograd computes (it takes ReLU'' = 0 and fixed arg-maxes), so finite differences of
     * gradients give Hessian-vector products instead of counting the units that switch. Needs a
     * plan made without reuse; runs of other plans are refused until {@link #thawActivationPattern}.
     */
    void freezeActivationPattern();

    /** Back to ordinary ReLUs and max pools. */
    void thawActivationPattern();
}
