package io.github.eproxy.backend;

/**
 * Runs training runs. An instance is used by one thread at a time; it keeps its memory between
 * runs so that scoring many architectures allocates only when a larger net comes along.
 */
public interface Backend extends AutoCloseable {

    /** Trains and returns the loss curve; afterwards {@link #params()} holds the trained values. */
    LossCurve train(TrainingRun run);

    /** The parameter values at the end of the last run. */
    float[] params();

    /** The output of a loss's prediction node in the last run's final forward pass. */
    float[] prediction(int lossNode);

    /** Bytes of native (host or device) memory the backend holds. */
    long nativeBytes();

    @Override
    void close();
}
