package io.github.eproxy.backend.cuda;

import io.github.eproxy.backend.Backend;
import io.github.eproxy.backend.InspectableBackend;
import io.github.eproxy.backend.LossCurve;
import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.graph.Op;
import io.github.eproxy.plan.Plan;
import io.github.eproxy.plan.PlanCodec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The native plan executor ({@code native/executor.cpp}) behind the {@link Backend} interface: one
 * JNI call per training run, which hands over the serialised plan, parameters, input and targets
 * and gets the loss values back; everything in between (all iterations, forward, backward, SGD)
 * runs natively on the executor's CUDA stream. Owns one native executor (its stream and grow-only
 * device buffers) until {@link #close}. Not thread-safe: one instance per scoring thread, which
 * is how several architectures are kept in flight at once. Single passes can be looked into
 * ({@link InspectableBackend}), which is how the baseline proxies run on the GPU.
 */
public final class NativeBackend implements InspectableBackend {
    private static final int ERR_LEN = 1024;

    private final Pointer executor;
    private final boolean useGraph;
    private final BytePointer err = new BytePointer(ERR_LEN);
    private Plan lastPlan;
    /** The plan whose activation pattern is frozen, or null. */
    private Plan frozenPlan;

    private NativeBackend(int where, boolean useGraph) {
        CudaRuntime.Probe probe = CudaRuntime.probe();
        if (!probe.libraryLoaded() || (where == NativeLib.WHERE_CUDA && !probe.available())) {
            throw new IllegalStateException("CUDA backend unavailable: " + probe.message());
        }
        this.useGraph = useGraph;
        try (PointerPointer<Pointer> out = new PointerPointer<>(1)) {
            check(NativeLib.eproxy_executor_create(where, out, err, ERR_LEN), "creating the executor");
            executor = out.get(Pointer.class, 0);
        }
    }

    /** An executor on the current CUDA device; each training run replays one captured iteration as a CUDA graph. */
    public static NativeBackend cuda() {
        return new NativeBackend(NativeLib.WHERE_CUDA, true);
    }

    /** The same on the device, launching every kernel each iteration instead of replaying a graph. */
    public static NativeBackend cudaWithoutGraphs() {
        return new NativeBackend(NativeLib.WHERE_CUDA, false);
    }

    /**
     * The native executor on the host: the kernel bodies run as loops on the calling thread. Slow;
     * it exists so that the executor's plan decoding, op dispatch and kernel index arithmetic can be
     * checked against the CPU backend where no GPU is present.
     */
    public static NativeBackend host() {
        return new NativeBackend(NativeLib.WHERE_HOST, false);
    }

    @Override
    public LossCurve train(TrainingRun run) {
        return trainEncoded(PlanCodec.encode(run.plan()), run, null);
    }

    /**
     * Trains {@code run} with every step timed (synchronised after each, no graph replay): the
     * milliseconds spent per op and direction ("conv2d forward", "batchnorm backward", ..., "sgd"),
     * in the order of the op codes. Where the time goes, not how fast a normal run is.
     */
    public Map<String, Double> profile(TrainingRun run) {
        double[] slots = new double[NativeLib.PROFILE_SLOTS];
        trainEncoded(PlanCodec.encode(run.plan()), run, slots);
        Map<String, Double> ms = new LinkedHashMap<>();
        PlanCodec.OpCode[] ops = PlanCodec.OpCode.values();
        for (int slot = 0; slot < NativeLib.PROFILE_SGD; slot++) {
            if (slots[slot] > 0) {
                ms.put(ops[slot / 2].name().toLowerCase(Locale.ROOT) + (slot % 2 == 0 ? " forward" : " backward"), slots[slot]);
            }
        }
        ms.put("sgd", slots[NativeLib.PROFILE_SGD]);
        return ms;
    }

    /** Trains {@code run} with its plan given as serialised ints (tests hand in damaged ones); {@code profile}: see {@link #profile}. */
    LossCurve trainEncoded(int[] encodedPlan, TrainingRun run, double[] profile) {
        Plan plan = run.plan();
        List<Integer> losses = plan.losses();
        int iterations = run.iterations();
        double[] values;
        try (DoublePointer profileMs = profile == null ? null : new DoublePointer(profile)) {
            values = execute(encodedPlan, run, iterations, "training",
                    (planInts, params, input, targets, lossValues) -> NativeLib.eproxy_executor_train(executor, planInts,
                            planInts.limit(), params, input, targets, run.sgd().lr(), run.sgd().momentum(),
                            run.sgd().weightDecay(), iterations, useGraph ? 1 : 0, lossValues, profileMs, err, ERR_LEN));
            if (profileMs != null) {
                profileMs.get(profile);
            }
        }
        double[] train = new double[iterations];
        double[] eval = new double[iterations];
        for (int it = 0; it < iterations; it++) {
            for (int l = 0; l < losses.size(); l++) {
                double v = values[it * losses.size() + l];
                train[it] += v;
                eval[it] += v * ((Op.Loss) plan.node(losses.get(l)).op()).evalWeight();
            }
        }
        return new LossCurve(train, eval);
    }

    @Override
    public double gradients(TrainingRun run) {
        double[] values = execute(PlanCodec.encode(run.plan()), run, 1, "one pass of",
                (planInts, params, input, targets, lossValues) -> NativeLib.eproxy_executor_gradients(executor, planInts,
                        planInts.limit(), params, input, targets, lossValues, err, ERR_LEN));
        double loss = 0;
        for (double v : values) {
            loss += v;
        }
        return loss;
    }

    /** One call of the C API on a run's plan, parameters, input and targets, writing loss values. */
    private interface RunCall {
        int call(IntPointer plan, FloatPointer params, FloatPointer input, FloatPointer targets, DoublePointer lossValues);
    }

    /** Hands {@code run} to {@code call}; returns the loss values it wrote ({@code passes} rows of the plan's losses). */
    private double[] execute(int[] encodedPlan, TrainingRun run, int passes, String what, RunCall call) {
        Plan plan = run.plan();
        if (frozenPlan != null && plan != frozenPlan) {
            throw new IllegalStateException("the activation pattern is frozen for another plan: thawActivationPattern() first");
        }
        lastPlan = null;
        double[] values = new double[passes * plan.losses().size()];
        try (IntPointer planInts = new IntPointer(encodedPlan);
                FloatPointer params = new FloatPointer(run.params());
                FloatPointer input = new FloatPointer(run.input());
                FloatPointer targets = new FloatPointer(concat(run.targets()));
                DoublePointer lossValues = new DoublePointer(Math.max(1, values.length))) {
            check(call.call(planInts, params, input, targets, lossValues), what + " a plan of " + plan.forward.length + " steps");
            lossValues.get(values);
        }
        lastPlan = plan;
        return values;
    }

    private static float[] concat(float[][] parts) {
        int size = 0;
        for (float[] p : parts) {
            size += p.length;
        }
        float[] all = new float[Math.max(1, size)];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private void check(int status, String what) {
        if (status != CudaRuntime.OK) {
            throw new NativeBackendException(status, what + ": " + CudaRuntime.cString(err));
        }
    }

    /** The trained parameters of the last run, read back from the executor. */
    @Override
    public float[] params() {
        return read(NativeLib.READ_PARAMS, "parameters");
    }

    @Override
    public float[] paramGradients() {
        return read(NativeLib.READ_GRADIENTS, "parameter gradients");
    }

    private float[] read(int what, String name) {
        float[] values = new float[inspected().paramSize];
        try (FloatPointer out = new FloatPointer(Math.max(1, values.length))) {
            check(NativeLib.eproxy_executor_read(executor, what, out, values.length, err, ERR_LEN), "reading back " + name);
            out.get(values);
        }
        return values;
    }

    @Override
    public float[] prediction(int lossNode) {
        Plan plan = inspected();
        if (!plan.losses().contains(lossNode)) {
            throw new IllegalArgumentException("node " + lossNode + " is not a loss of the last run");
        }
        int pred = plan.node(lossNode).input(0);
        requireWritten(plan, pred, "output");
        return readArena(plan.act[pred], plan.node(pred).shape().numel());
    }

    @Override
    public float[] output(int node) {
        return readNode(node, false);
    }

    @Override
    public float[] outputGradient(int node) {
        return readNode(node, true);
    }

    private float[] readNode(int node, boolean gradient) {
        Plan plan = inspected();
        plan.requireReadable(node, gradient);
        requireWritten(plan, node, gradient ? "output gradient" : "output");
        return readArena(gradient ? plan.grad[node] : plan.act[node], plan.node(node).shape().numel());
    }

    /**
     * A loss's value goes to the loss values only, not to the arena. A batch norm fused with the ReLU
     * after it ({@link Plan#reluAfter}) writes the ReLU's output and reads the ReLU's output gradient;
     * its own output and output gradient are never stored.
     */
    private static void requireWritten(Plan plan, int node, String what) {
        if (plan.node(node).op() instanceof Op.Loss) {
            throw new IllegalArgumentException("node " + node + " is a loss: its value is what train() and gradients() return");
        }
        if (plan.reluAfter[node] >= 0) {
            throw new IllegalArgumentException("node " + node + " (batch norm) runs fused with the ReLU after it, node "
                    + plan.reluAfter[node] + ", so its " + what + " is not stored: read that node's");
        }
    }

    private float[] readArena(int offset, int count) {
        float[] values = new float[count];
        try (FloatPointer out = new FloatPointer(Math.max(1, count))) {
            check(NativeLib.eproxy_executor_read_arena(executor, offset, count, out, err, ERR_LEN), "reading back activations");
            out.get(values);
        }
        return values;
    }

    @Override
    public void freezeActivationPattern() {
        inspected().requireUnshared();
        check(NativeLib.eproxy_executor_freeze(executor, err, ERR_LEN), "freezing the activation pattern");
        frozenPlan = lastPlan;
    }

    @Override
    public void thawActivationPattern() {
        NativeLib.eproxy_executor_thaw(executor);
        frozenPlan = null;
    }

    private Plan inspected() {
        if (lastPlan == null) {
            throw new IllegalStateException("no training run yet");
        }
        return lastPlan;
    }

    @Override
    public long nativeBytes() {
        return NativeLib.eproxy_executor_bytes(executor);
    }

    @Override
    public void close() {
        if (!executor.isNull()) {
            NativeLib.eproxy_executor_destroy(executor);
            executor.setNull();
        }
        err.close();
    }
}
