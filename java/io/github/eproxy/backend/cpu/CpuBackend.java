package io.github.eproxy.backend.cpu;

import io.github.eproxy.backend.InspectableBackend;
import io.github.eproxy.backend.LossCurve;
import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Op;
import io.github.eproxy.plan.Plan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference backend: Java kernels over native memory, convolutions through OpenBLAS sgemm,
 * each step split over {@code threads} threads. Memory is kept between runs and grows only when a
 * larger plan arrives; the iterations themselves allocate nothing. Bit-for-bit deterministic for a
 * given thread count. Not thread-safe: use one instance per thread.
 */
public final class CpuBackend implements InspectableBackend {
    private final Memory memory = new Memory();
    private final WorkerPool pool;
    private Plan lastPlan;
    private Map<Integer, boolean[]> frozenMasks;
    private Map<Integer, int[]> frozenChoices;
    private Plan frozenPlan;

    /** @param threads threads per step; plans must be made for exactly this many ({@code Planner}) */
    public CpuBackend(int threads) {
        this.pool = new WorkerPool(threads);
    }

    public int threads() {
        return pool.parts();
    }

    @Override
    public long nativeBytes() {
        return memory.bytes();
    }

    @Override
    public LossCurve train(TrainingRun run) {
        Plan plan = run.plan();
        Step[] steps = load(run);
        LossStep[] losses = losses(plan, steps);
        SgdStep sgd = new SgdStep(plan, memory, run.sgd());
        Step[] zero = gradientZeroing(plan);
        double[] train = new double[run.iterations()];
        double[] eval = new double[run.iterations()];
        for (int it = 0; it < run.iterations(); it++) {
            forward(plan, steps);
            for (LossStep loss : losses) {
                train[it] += loss.loss();
                eval[it] += loss.loss() * loss.evalWeight();
            }
            if (it == run.iterations() - 1) {
                break;
            }
            backward(plan, steps, zero);
            pool.run(sgd, false);
        }
        return new LossCurve(train, eval);
    }

    @Override
    public double gradients(TrainingRun run) {
        Plan plan = run.plan();
        Step[] steps = load(run);
        forward(plan, steps);
        double loss = 0;
        for (LossStep l : losses(plan, steps)) {
            loss += l.loss();
        }
        backward(plan, steps, gradientZeroing(plan));
        return loss;
    }

    /** Copies the run's parameters, input and targets into native memory and binds one step per node. */
    private Step[] load(TrainingRun run) {
        Plan plan = run.plan();
        if (plan.threads != pool.parts()) {
            throw new IllegalArgumentException("plan was made for " + plan.threads + " threads, backend runs "
                    + pool.parts() + ": plan with new Planner(" + pool.parts() + ", ...)");
        }
        if (frozenMasks != null && plan != frozenPlan) {
            throw new IllegalStateException("the activation pattern is frozen for another plan: thawActivationPattern() first");
        }
        memory.ensure(plan.arenaSize, plan.paramSize);
        memory.params.copyIn(run.params());
        memory.momentum.zero(0, plan.paramSize);
        memory.grads.zero(0, plan.paramSize);
        memory.arena.copyIn(plan.act[0], run.input());
        for (int t = 0; t < run.targets().length; t++) {
            memory.arena.copyIn(plan.target[t], run.targets()[t]);
        }
        Step[] steps = new Step[plan.net.nodes().size()];
        for (int id : plan.forward) {
            steps[id] = compile(plan, plan.node(id));
        }
        lastPlan = plan;
        return steps;
    }

    private static LossStep[] losses(Plan plan, Step[] steps) {
        List<LossStep> list = new ArrayList<>();
        for (int id : plan.forward) {
            if (steps[id] instanceof LossStep loss) {
                list.add(loss);
            }
        }
        return list.toArray(new LossStep[0]);
    }

    private void forward(Plan plan, Step[] steps) {
        for (int id : plan.forward) {
            pool.run(steps[id], false);
        }
    }

    /** Per backward step, the zeroing of the gradients it is the first to accumulate into (null where none). */
    private Step[] gradientZeroing(Plan plan) {
        Step[] zero = new Step[plan.backward.length];
        for (int i = 0; i < zero.length; i++) {
            if (plan.zeroBefore[i].length > 0) {
                zero[i] = new GradientZeroStep(plan, memory, plan.zeroBefore[i]);
            }
        }
        return zero;
    }

    private void backward(Plan plan, Step[] steps, Step[] zero) {
        for (int i = 0; i < plan.backward.length; i++) {
            if (zero[i] != null) {
                pool.run(zero[i], false);
            }
            Step step = steps[plan.backward[i]];
            pool.run(step, true);
            step.afterBackward();
        }
    }

    @Override
    public float[] params() {
        return memory.params.copyOut(0, inspected().paramSize);
    }

    @Override
    public float[] prediction(int lossNode) {
        if (lastPlan == null || !lastPlan.losses().contains(lossNode)) {
            throw new IllegalArgumentException("node " + lossNode + " is not a loss of the last run");
        }
        int pred = lastPlan.node(lossNode).input(0);
        return memory.arena.copyOut(lastPlan.act[pred], lastPlan.node(pred).shape().numel());
    }

    @Override
    public float[] output(int node) {
        inspected().requireReadable(node, false);
        return memory.arena.copyOut(lastPlan.act[node], lastPlan.node(node).shape().numel());
    }

    @Override
    public float[] outputGradient(int node) {
        inspected().requireReadable(node, true);
        return memory.arena.copyOut(lastPlan.grad[node], lastPlan.node(node).shape().numel());
    }

    private Plan inspected() {
        if (lastPlan == null) {
            throw new IllegalStateException("no training run yet");
        }
        return lastPlan;
    }

    @Override
    public void freezeActivationPattern() {
        inspected().requireUnshared();
        frozenPlan = lastPlan;
        frozenMasks = new HashMap<>();
        frozenChoices = new HashMap<>();
        for (int id : lastPlan.forward) {
            Node node = lastPlan.node(id);
            if (node.op() instanceof Op.Relu) {
                float[] y = output(id);
                boolean[] active = new boolean[y.length];
                for (int i = 0; i < y.length; i++) {
                    active[i] = y[i] > 0f;
                }
                frozenMasks.put(id, active);
            } else if (node.op() instanceof Op.MaxPool) {
                frozenChoices.put(id, new PoolStep(lastPlan, node, memory, 1).choices());
            }
        }
    }

    @Override
    public void thawActivationPattern() {
        frozenMasks = null;
        frozenChoices = null;
        frozenPlan = null;
    }

    @Override
    public float[] paramGradients() {
        return memory.grads.copyOut(0, inspected().paramSize);
    }

    private Step compile(Plan plan, Node node) {
        Op op = node.op();
        if (op instanceof Op.Conv2d) {
            return new ConvStep(plan, node, memory, pool.parts());
        }
        if (op instanceof Op.BatchNorm) {
            return new BatchNormStep(plan, node, memory, pool.parts());
        }
        if (op instanceof Op.Relu) {
            return frozenMasks == null ? new ReluStep(plan, node, memory)
                    : new FrozenReluStep(plan, node, memory, frozenMasks.get(node.id()));
        }
        if (op instanceof Op.MaxPool && frozenChoices != null) {
            return new FrozenMaxPoolStep(plan, node, memory, frozenChoices.get(node.id()));
        }
        if (op instanceof Op.AvgPool ap && SameSizeAvgPoolStep.handles(ap)) {
            return new SameSizeAvgPoolStep(plan, node, memory, pool.parts());
        }
        if (op instanceof Op.AvgPool || op instanceof Op.MaxPool) {
            return new PoolStep(plan, node, memory, pool.parts());
        }
        if (op instanceof Op.Add || op instanceof Op.Identity || op instanceof Op.Zero) {
            return new ElementwiseStep(plan, node, memory);
        }
        if (op instanceof Op.Concat || op instanceof Op.Slice) {
            return new ChannelStep(plan, node, memory);
        }
        if (op instanceof Op.Resize) {
            return new ResizeStep(plan, node, memory);
        }
        if (op instanceof Op.MseLoss) {
            return new MseStep(plan, node, memory);
        }
        if (op instanceof Op.CrossEntropyLoss) {
            return new CrossEntropyStep(plan, node, memory);
        }
        if (op instanceof Op.DotLoss) {
            return new DotStep(plan, node, memory);
        }
        throw new IllegalArgumentException(node + ": no CPU kernel for op " + op.kind());
    }

    @Override
    public void close() {
        pool.close();
        memory.close();
    }
}
