package io.github.eproxy.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a {@link Net} op by op, inferring each output shape on the spot; a bad op is rejected at
 * once with a {@link GraphException} naming the op, the node and the shapes. Each method returns
 * the new node's id. New parameters take the current {@link #init(Init)} scheme and
 * {@link #frozen(boolean)} flag.
 */
public final class NetBuilder {
    private final List<Node> nodes = new ArrayList<>();
    private final List<Param> params = new ArrayList<>();
    private final List<Integer> losses = new ArrayList<>();
    private Init init = Init.PYTORCH_DEFAULT;
    private boolean frozen;
    private boolean batchNorm = true;
    private String scope = "";

    public NetBuilder(Shape input) {
        nodes.add(new Node(0, "input", new Op.Input(input), new int[0], input, new int[0]));
    }

    /** The initialisation of parameters created from now on. */
    public NetBuilder init(Init scheme) {
        this.init = scheme;
        return this;
    }

    /** Whether parameters created from now on are frozen (never updated). */
    public NetBuilder frozen(boolean value) {
        this.frozen = value;
        return this;
    }

    /**
     * Whether {@link #batchNorm} adds batch norm from now on; when off it returns its input, which
     * builds the network with its batch norms removed (SynFlow scores nets that way).
     */
    public NetBuilder batchNorm(boolean enabled) {
        this.batchNorm = enabled;
        return this;
    }

    /** A name prefix for the nodes and parameters created from now on. */
    public NetBuilder scope(String name) {
        this.scope = name;
        return this;
    }

    public int input() {
        return 0;
    }

    public Shape shape(int node) {
        return node(node).shape();
    }

    public int size() {
        return nodes.size();
    }

    public int conv(int x, int out, int kernel, int stride, int padding, boolean bias) {
        return conv(x, out, kernel, stride, padding, 1, 1, bias);
    }

    public int conv(int x, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias) {
        return add(new Op.Conv2d(out, kernel, stride, padding, dilation, groups, bias), x);
    }

    public int batchNorm(int x, boolean affine) {
        return batchNorm ? add(new Op.BatchNorm(affine, 1e-5f), x) : x;
    }

    public int relu(int x) {
        return add(new Op.Relu(), x);
    }

    public int avgPool(int x, int kernel, int stride, int padding) {
        return add(new Op.AvgPool(kernel, stride, padding), x);
    }

    public int maxPool(int x, int kernel, int stride, int padding) {
        return add(new Op.MaxPool(kernel, stride, padding), x);
    }

    public int sum(int... xs) {
        return xs.length == 1 ? xs[0] : add(new Op.Add(), xs);
    }

    public int concat(int... xs) {
        return xs.length == 1 ? xs[0] : add(new Op.Concat(), xs);
    }

    public int slice(int x, int channels) {
        return add(new Op.Slice(channels), x);
    }

    public int zero(int x) {
        return add(new Op.Zero(), x);
    }

    public int identity(int x) {
        return add(new Op.Identity(), x);
    }

    public int resize(int x, int height, int width) {
        return add(new Op.Resize(height, width), x);
    }

    /** {@code nn.AdaptiveAvgPool2d(1)} on a square map: [N, C, H, H] to [N, C, 1, 1]. */
    public int globalAvgPool(int x) {
        Shape s = shape(x);
        if (s.h() != s.w()) {
            throw new GraphException("global average pooling of node " + x + ": needs a square map, got " + s);
        }
        return avgPool(x, s.h(), s.h(), 0);
    }

    /** {@code nn.Linear(C, out)} on [N, C, 1, 1], as a 1x1 convolution with bias (same fans, same init). */
    public int linear(int x, int out) {
        Shape s = shape(x);
        if (s.h() != 1 || s.w() != 1) {
            throw new GraphException("linear layer on node " + x + ": needs [N, C, 1, 1], got " + s);
        }
        return conv(x, out, 1, 1, 0, true);
    }

    /** Adds a cross-entropy loss of logits {@code prediction} against run-time (soft) labels number {@code target}. */
    public int crossEntropyLoss(int prediction, int target) {
        return add(new Op.CrossEntropyLoss(target, 1.0), prediction);
    }

    /** Adds the loss sum(t * prediction) against run-time target number {@code target}. */
    public int dotLoss(int prediction, int target) {
        return add(new Op.DotLoss(target, 1.0), prediction);
    }

    /** Adds an MSE loss of {@code prediction} against run-time target number {@code target}. */
    public int mseLoss(int prediction, int target, double evalWeight) {
        return add(new Op.MseLoss(target, evalWeight), prediction);
    }

    /** Adds {@code op} reading {@code inputs}; the general entry point behind the helpers above. */
    public int add(Op op, int... inputs) {
        int id = nodes.size();
        if (op instanceof Op.Input) {
            throw new GraphException("node " + id + ": a net has exactly one input op (node 0)");
        }
        Shape[] in = new Shape[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] < 0 || inputs[i] >= id) {
                throw new GraphException("node " + id + " (" + op.kind() + "): input " + inputs[i]
                        + " does not name an earlier node (0.." + (id - 1) + ")");
            }
            in[i] = nodes.get(inputs[i]).shape();
            if (nodes.get(inputs[i]).op() instanceof Op.Loss) {
                throw new GraphException("node " + id + " (" + op.kind() + "): cannot read loss node " + inputs[i]);
            }
        }
        Shape out = ShapeInference.infer(op, in, id);
        String name = scope.isEmpty() ? "n" + id : scope + ".n" + id;
        int[] p = createParams(op, in, name);
        nodes.add(new Node(id, name, op, inputs.clone(), out, p));
        if (op instanceof Op.Loss) {
            losses.add(id);
        }
        return id;
    }

    private int[] createParams(Op op, Shape[] in, String name) {
        if (op instanceof Op.Conv2d c) {
            int inPerGroup = in[0].c() / c.groups();
            int k2 = c.kernel() * c.kernel();
            int fanIn = inPerGroup * k2;
            int fanOut = c.outChannels() * k2;
            int w = addParam(name + ".weight", new int[] {c.outChannels(), inPerGroup, c.kernel(), c.kernel()},
                    Param.Role.CONV_WEIGHT, fanIn, fanOut);
            if (!c.bias()) {
                return new int[] {w};
            }
            return new int[] {w, addParam(name + ".bias", new int[] {c.outChannels()}, Param.Role.CONV_BIAS, fanIn, fanOut)};
        }
        if (op instanceof Op.BatchNorm b && b.affine()) {
            int g = addParam(name + ".gamma", new int[] {in[0].c()}, Param.Role.BN_GAMMA, 0, 0);
            return new int[] {g, addParam(name + ".beta", new int[] {in[0].c()}, Param.Role.BN_BETA, 0, 0)};
        }
        return new int[0];
    }

    private int addParam(String name, int[] dims, Param.Role role, int fanIn, int fanOut) {
        params.add(new Param(name, dims, role, init, fanIn, fanOut, !frozen));
        return params.size() - 1;
    }

    private Node node(int id) {
        if (id < 0 || id >= nodes.size()) {
            throw new GraphException("no node " + id + " (have 0.." + (nodes.size() - 1) + ")");
        }
        return nodes.get(id);
    }

    /** The finished net; it must have at least one loss. */
    public Net build() {
        if (losses.isEmpty()) {
            throw new GraphException("net has no loss node: add one with mseLoss(), crossEntropyLoss() or dotLoss()");
        }
        return new Net(nodes, params, losses);
    }

    @Override
    public String toString() {
        return "NetBuilder" + Arrays.toString(nodes.toArray());
    }
}
