package io.github.eproxy.bench;

import io.github.eproxy.backend.LossCurve;
import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.graph.Net;
import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Op;
import io.github.eproxy.graph.Param;
import io.github.eproxy.plan.Plan;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.SGD;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.SGDOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The same training run in libtorch (CPU, eager autograd, {@code torch::optim::SGD}): each node of
 * the plan's net becomes the ATen op PyTorch's module of the same name calls, with the run's
 * initial parameters, input, targets and optimiser settings. It is what a PyTorch user of Eproxy
 * would run, and the yardstick for our CPU backend's numbers ({@link TorchParity}) and speed
 * ({@link TorchComparisonBench}). Not thread-safe: libtorch's thread count is process-wide.
 */
public final class TorchReference {
    private float[] lastParams;
    private float[] lastGradients;
    /** Per node id, for the ReLUs of the last {@link #gradients} call: 1 where the unit passed, else 0. */
    private float[][] lastReluMasks;

    private final torch.ScalarType dtype;

    /** @param threads libtorch's intra-op threads ({@code torch.set_num_threads}); float32, as ours */
    public TorchReference(int threads) {
        this(threads, false);
    }

    /**
     * @param threads libtorch's intra-op threads
     * @param float64 run everything in double precision: a near-exact reference for both float32 engines
     */
    public TorchReference(int threads, boolean float64) {
        torch.set_num_threads(threads);
        this.dtype = float64 ? torch.ScalarType.Double : torch.ScalarType.Float;
    }

    public LossCurve train(TrainingRun run) {
        return run(run, false, null);
    }

    /**
     * As {@link #train(TrainingRun)}, with another engine's ReLU decisions in every forward pass:
     * {@code reluMasksPerStep[k][node id]} is 1 where the unit passed in that engine's pass k, else 0,
     * and the ReLU becomes x * mask (see {@link #gradients(TrainingRun, float[][])}).
     */
    public LossCurve train(TrainingRun run, float[][][] reluMasksPerStep) {
        return run(run, false, reluMasksPerStep);
    }

    /** As {@link org.bytedeco.pytorch.Tensor#backward} after the run's first forward pass: the gradients, in the plan's layout. */
    public float[] gradients(TrainingRun run) {
        return gradients(run, null);
    }

    /**
     * As {@link #gradients(TrainingRun)}, with the ReLU of each node id that has a mask computed as
     * x * mask (mask 1 where the unit is to pass, else 0): another engine's ReLU decisions, so that
     * units whose input lies within rounding of zero take the same side of the kink in both.
     */
    public float[] gradients(TrainingRun run, float[][] reluMasks) {
        run(run.withIterations(1), true, reluMasks == null ? null : new float[][][] {reluMasks});
        return lastGradients;
    }

    private LossCurve run(TrainingRun run, boolean keepGradients, float[][][] reluMasksPerStep) {
        Plan plan = run.plan();
        Net net = plan.net;
        try (PointerScope scope = new PointerScope()) {
            Tensor[] params = new Tensor[net.params().size()];
            TensorVector trainable = new TensorVector();
            for (int i = 0; i < params.length; i++) {
                Param p = net.params().get(i);
                long[] dims = new long[p.dims().length];
                for (int d = 0; d < dims.length; d++) {
                    dims[d] = p.dims()[d];
                }
                params[i] = tensor(run.params(), plan.paramOffset[i], p.numel(), dims);
                if (p.trainable()) {
                    params[i].requires_grad_(true);
                    trainable.push_back(params[i]);
                }
            }
            SGDOptions options = new SGDOptions(run.sgd().lr());
            options.momentum().put(run.sgd().momentum());
            options.weight_decay().put(run.sgd().weightDecay());
            SGD sgd = new SGD(trainable, options);
            Tensor input = tensor(run.input(), 0, run.input().length, dims(net.input()));
            Tensor[] targets = new Tensor[run.targets().length];
            for (int t = 0; t < targets.length; t++) {
                targets[t] = tensor(run.targets()[t], 0, run.targets()[t].length, targetDims(net, t));
            }
            double[] train = new double[run.iterations()];
            double[] eval = new double[run.iterations()];
            for (int it = 0; it < run.iterations(); it++) {
                sgd.zero_grad();
                Tensor[] out = new Tensor[net.nodes().size()];
                out[0] = input;
                Tensor total = null;
                float[][] reluMasks = reluMasksPerStep == null ? null : reluMasksPerStep[it];
                for (int id : plan.forward) {
                    Node node = net.node(id);
                    boolean masked = reluMasks != null && reluMasks[id] != null && node.op() instanceof Op.Relu;
                    out[id] = masked ? out[node.input(0)].mul(tensor(reluMasks[id], 0, reluMasks[id].length, dims(node)))
                            : forward(node, out, params, targets);
                    if (node.op() instanceof Op.Loss loss) {
                        double value = out[id].item_double();
                        train[it] += value;
                        eval[it] += value * loss.evalWeight();
                        total = total == null ? out[id] : total.add(out[id]);
                    }
                }
                if (it == run.iterations() - 1) {
                    if (keepGradients) {
                        total.backward();
                        lastReluMasks = reluMasks(plan, out);
                    }
                    break;
                }
                total.backward();
                sgd.step();
            }
            lastParams = new float[plan.paramSize];
            lastGradients = new float[plan.paramSize];
            for (int i = 0; i < params.length; i++) {
                int numel = net.params().get(i).numel();
                floats(params[i].detach()).get(lastParams, plan.paramOffset[i], numel);
                if (keepGradients && net.params().get(i).trainable()) {
                    floats(params[i].grad()).get(lastGradients, plan.paramOffset[i], numel);
                }
            }
            return new LossCurve(train, eval);
        }
    }

    /** The ReLU decisions of the last {@link #gradients} call's forward pass, as masks per node id (null elsewhere). */
    public float[][] reluMasks() {
        return lastReluMasks;
    }

    private static float[][] reluMasks(Plan plan, Tensor[] out) {
        float[][] masks = new float[out.length][];
        for (int id : plan.forward) {
            if (plan.net.node(id).op() instanceof Op.Relu) {
                Tensor passed = out[id].detach().gt(new Scalar(0.0)).to(torch.ScalarType.Float).contiguous();
                masks[id] = new float[(int) passed.numel()];
                passed.data_ptr_float().get(masks[id]);
            }
        }
        return masks;
    }

    /** The parameters at the end of the last run, in the plan's layout. */
    public float[] params() {
        return lastParams;
    }

    private static Tensor forward(Node node, Tensor[] out, Tensor[] params, Tensor[] targets) {
        Op op = node.op();
        Tensor x = out[node.input(0)];
        if (op instanceof Op.Conv2d c) {
            TensorOptional bias = c.bias() ? new TensorOptional(params[node.params()[1]]) : new TensorOptional();
            return torch.conv2d(x, params[node.params()[0]], bias, pair(c.stride()), pair(c.padding()), pair(c.dilation()), c.groups());
        }
        if (op instanceof Op.BatchNorm b) {
            TensorOptional gamma = b.affine() ? new TensorOptional(params[node.params()[0]]) : new TensorOptional();
            TensorOptional beta = b.affine() ? new TensorOptional(params[node.params()[1]]) : new TensorOptional();
            return torch.batch_norm(x, gamma, beta, new TensorOptional(), new TensorOptional(), true, 0.1, b.eps(), true);
        }
        if (op instanceof Op.Relu) {
            return torch.relu(x);
        }
        if (op instanceof Op.AvgPool p) {
            return torch.avg_pool2d(x, pair(p.kernel()), pair(p.stride()), pair(p.padding()), false, false, new LongOptional());
        }
        if (op instanceof Op.MaxPool p) {
            return torch.max_pool2d(x, pair(p.kernel()), pair(p.stride()), pair(p.padding()), pair(1), false);
        }
        if (op instanceof Op.Add) {
            Tensor sum = x;
            for (int i = 1; i < node.inputs().length; i++) {
                sum = sum.add(out[node.input(i)]);
            }
            return sum;
        }
        if (op instanceof Op.Concat) {
            TensorVector parts = new TensorVector();
            for (int in : node.inputs()) {
                parts.push_back(out[in]);
            }
            return torch.cat(parts, 1);
        }
        if (op instanceof Op.Slice s) {
            return x.narrow(1, 0, s.channels());
        }
        if (op instanceof Op.Zero) {
            return torch.zeros_like(x);
        }
        if (op instanceof Op.Identity) {
            return x;
        }
        if (op instanceof Op.Resize r) {
            return torch.upsample_nearest2d(x, new long[] {r.height(), r.width()});
        }
        if (op instanceof Op.MseLoss m) {
            return torch.mse_loss(x, targets[m.target()]);
        }
        throw new IllegalArgumentException(node + ": the libtorch reference has no " + op.kind());
    }

    private static long[] pair(int v) {
        return new long[] {v, v};
    }

    private static long[] dims(Node node) {
        return new long[] {node.shape().n(), node.shape().c(), node.shape().h(), node.shape().w()};
    }

    private static long[] targetDims(Net net, int target) {
        for (int loss : net.losses()) {
            Node n = net.node(loss);
            if (((Op.Loss) n.op()).target() == target) {
                return dims(net.node(n.input(0)));
            }
        }
        throw new IllegalArgumentException("no loss reads target " + target);
    }

    /** A libtorch-owned copy of {@code count} floats from {@code offset}, in this reference's precision. */
    private Tensor tensor(float[] values, int offset, int count, long[] dims) {
        FloatPointer data = new FloatPointer(count);
        data.put(values, offset, count);
        return torch.from_blob(data, dims).to(dtype);
    }

    private static FloatPointer floats(Tensor t) {
        return t.to(torch.ScalarType.Float).contiguous().data_ptr_float();
    }
}
