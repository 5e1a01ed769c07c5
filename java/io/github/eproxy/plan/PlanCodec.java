package io.github.eproxy.plan;

import io.github.eproxy.graph.Init;
import io.github.eproxy.graph.Net;
import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Op;
import io.github.eproxy.graph.Param;
import io.github.eproxy.graph.Shape;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link Plan} as one array of 32-bit integers: the form the native executor receives in a single
 * call. The layout, op codes and attribute slots are documented in {@code native/eproxy_plan.h},
 * which the native side compiles against; a test keeps the two in step. Names travel with the plan
 * so that a native error can say which op failed. {@link #decode} rebuilds an equal plan.
 */
public final class PlanCodec {
    public static final int MAGIC = 0x50585045; // "EPXP" in little-endian bytes
    public static final int VERSION = 2;
    /** Op attribute slots per node; unused slots are 0. */
    public static final int ATTRS = 7;

    /** Op codes, in the order of {@code eproxy_op} in the header. */
    public enum OpCode { INPUT, CONV2D, BATCHNORM, RELU, AVGPOOL, MAXPOOL, ADD, CONCAT, SLICE, ZERO, IDENTITY, RESIZE, MSE, CROSS_ENTROPY, DOT }

    private PlanCodec() {
    }

    public static int[] encode(Plan plan) {
        Ints out = new Ints();
        Net net = plan.net;
        out.add(MAGIC).add(VERSION);
        out.add(net.nodes().size()).add(net.params().size()).add(net.losses().size());
        out.add(plan.arenaSize).add((int) plan.unsharedSize).add((int) (plan.unsharedSize >>> 32));
        out.add(plan.threads).add(plan.paramSize).add(plan.trainableSize);
        for (int i = 0; i < net.params().size(); i++) {
            Param p = net.params().get(i);
            out.add(p.role().ordinal()).add(p.init().ordinal()).add(p.fanIn()).add(p.fanOut()).add(p.trainable() ? 1 : 0);
            out.add(plan.paramOffset[i]).list(p.dims()).string(p.name());
        }
        for (Node n : net.nodes()) {
            out.add(opCode(n.op()).ordinal()).add(attributes(n.op()));
            out.list(n.inputs());
            Shape s = n.shape();
            out.add(s.n()).add(s.c()).add(s.h()).add(s.w());
            out.list(n.params());
            int id = n.id();
            out.add(plan.act[id]).add(plan.grad[id]).add(plan.saved[id]).add(plan.fwdWorkspace[id]).add(plan.bwdWorkspace[id]);
            out.add(plan.needsGrad[id] ? 1 : 0).add(plan.reluAfter[id]).string(n.name());
        }
        for (int loss : net.losses()) {
            out.add(loss);
        }
        out.list(plan.forward).list(plan.backward);
        for (int[] zero : plan.zeroBefore) {
            out.list(zero);
        }
        out.list(plan.target);
        return out.toArray();
    }

    /** Rebuilds the plan; a malformed array is an {@link IllegalArgumentException} saying where. */
    public static Plan decode(int[] data) {
        Reader in = new Reader(data);
        if (in.next() != MAGIC) {
            throw new IllegalArgumentException("not a serialised plan (bad magic number)");
        }
        int version = in.next();
        if (version != VERSION) {
            throw new IllegalArgumentException("plan format version " + version + ", this library reads " + VERSION);
        }
        int nodeCount = in.count("node count");
        int paramCount = in.count("parameter count");
        int lossCount = in.count("loss count");
        int arenaSize = in.next();
        long unshared = (in.next() & 0xFFFFFFFFL) | ((long) in.next() << 32);
        int threads = in.next();
        int paramSize = in.next();
        int trainableSize = in.next();
        List<Param> params = new ArrayList<>();
        int[] paramOffset = new int[paramCount];
        for (int i = 0; i < paramCount; i++) {
            Param.Role role = in.pick(Param.Role.values(), "parameter " + i + " role");
            Init init = in.pick(Init.values(), "parameter " + i + " init");
            int fanIn = in.next();
            int fanOut = in.next();
            boolean trainable = in.next() != 0;
            paramOffset[i] = in.next();
            int[] dims = in.list();
            params.add(new Param(in.string(), dims, role, init, fanIn, fanOut, trainable));
        }
        List<Node> nodes = new ArrayList<>();
        int[] act = new int[nodeCount];
        int[] grad = new int[nodeCount];
        int[] saved = new int[nodeCount];
        int[] fwdWorkspace = new int[nodeCount];
        int[] bwdWorkspace = new int[nodeCount];
        boolean[] needsGrad = new boolean[nodeCount];
        int[] reluAfter = new int[nodeCount];
        for (int id = 0; id < nodeCount; id++) {
            OpCode code = in.pick(OpCode.values(), "node " + id + " op code");
            int[] attrs = in.ints(ATTRS);
            int[] inputs = in.list();
            Shape shape = new Shape(in.next(), in.next(), in.next(), in.next());
            int[] nodeParams = in.list();
            act[id] = in.next();
            grad[id] = in.next();
            saved[id] = in.next();
            fwdWorkspace[id] = in.next();
            bwdWorkspace[id] = in.next();
            needsGrad[id] = in.next() != 0;
            reluAfter[id] = in.next();
            nodes.add(new Node(id, in.string(), op(code, attrs, shape), inputs, shape, nodeParams));
        }
        List<Integer> losses = new ArrayList<>();
        for (int i = 0; i < lossCount; i++) {
            losses.add(in.next());
        }
        int[] forward = in.list();
        int[] backward = in.list();
        int[][] zeroBefore = new int[backward.length][];
        for (int i = 0; i < backward.length; i++) {
            zeroBefore[i] = in.list();
        }
        int[] target = in.list();
        in.expectEnd();
        return new Plan(Net.of(nodes, params, losses), forward, backward, act, grad, saved, fwdWorkspace, bwdWorkspace,
                target, zeroBefore, needsGrad, reluAfter, arenaSize, unshared, threads, paramOffset, paramSize, trainableSize);
    }

    static OpCode opCode(Op op) {
        if (op instanceof Op.Input) {
            return OpCode.INPUT;
        } else if (op instanceof Op.Conv2d) {
            return OpCode.CONV2D;
        } else if (op instanceof Op.BatchNorm) {
            return OpCode.BATCHNORM;
        } else if (op instanceof Op.Relu) {
            return OpCode.RELU;
        } else if (op instanceof Op.AvgPool) {
            return OpCode.AVGPOOL;
        } else if (op instanceof Op.MaxPool) {
            return OpCode.MAXPOOL;
        } else if (op instanceof Op.Add) {
            return OpCode.ADD;
        } else if (op instanceof Op.Concat) {
            return OpCode.CONCAT;
        } else if (op instanceof Op.Slice) {
            return OpCode.SLICE;
        } else if (op instanceof Op.Zero) {
            return OpCode.ZERO;
        } else if (op instanceof Op.Identity) {
            return OpCode.IDENTITY;
        } else if (op instanceof Op.Resize) {
            return OpCode.RESIZE;
        } else if (op instanceof Op.MseLoss) {
            return OpCode.MSE;
        } else if (op instanceof Op.CrossEntropyLoss) {
            return OpCode.CROSS_ENTROPY;
        } else if (op instanceof Op.DotLoss) {
            return OpCode.DOT;
        }
        throw new IllegalArgumentException("no op code for " + op);
    }

    /** The op's attributes in its {@link #ATTRS} slots (see the header for each op's slot order). */
    static int[] attributes(Op op) {
        int[] a = new int[ATTRS];
        if (op instanceof Op.Conv2d c) {
            a[0] = c.outChannels();
            a[1] = c.kernel();
            a[2] = c.stride();
            a[3] = c.padding();
            a[4] = c.dilation();
            a[5] = c.groups();
            a[6] = c.bias() ? 1 : 0;
        } else if (op instanceof Op.BatchNorm b) {
            a[0] = b.affine() ? 1 : 0;
            a[1] = Float.floatToRawIntBits(b.eps());
        } else if (op instanceof Op.AvgPool p) {
            a[0] = p.kernel();
            a[1] = p.stride();
            a[2] = p.padding();
        } else if (op instanceof Op.MaxPool p) {
            a[0] = p.kernel();
            a[1] = p.stride();
            a[2] = p.padding();
        } else if (op instanceof Op.Slice s) {
            a[0] = s.channels();
        } else if (op instanceof Op.Resize r) {
            a[0] = r.height();
            a[1] = r.width();
        } else if (op instanceof Op.Loss m) {
            long bits = Double.doubleToRawLongBits(m.evalWeight());
            a[0] = m.target();
            a[1] = (int) bits;
            a[2] = (int) (bits >>> 32);
        }
        return a;
    }

    private static Op op(OpCode code, int[] a, Shape shape) {
        switch (code) {
            case INPUT:
                return new Op.Input(shape);
            case CONV2D:
                return new Op.Conv2d(a[0], a[1], a[2], a[3], a[4], a[5], a[6] != 0);
            case BATCHNORM:
                return new Op.BatchNorm(a[0] != 0, Float.intBitsToFloat(a[1]));
            case RELU:
                return new Op.Relu();
            case AVGPOOL:
                return new Op.AvgPool(a[0], a[1], a[2]);
            case MAXPOOL:
                return new Op.MaxPool(a[0], a[1], a[2]);
            case ADD:
                return new Op.Add();
            case CONCAT:
                return new Op.Concat();
            case SLICE:
                return new Op.Slice(a[0]);
            case ZERO:
                return new Op.Zero();
            case IDENTITY:
                return new Op.Identity();
            case RESIZE:
                return new Op.Resize(a[0], a[1]);
            case MSE:
                return new Op.MseLoss(a[0], lossWeight(a));
            case CROSS_ENTROPY:
                return new Op.CrossEntropyLoss(a[0], lossWeight(a));
            default:
                return new Op.DotLoss(a[0], lossWeight(a));
        }
    }

    private static double lossWeight(int[] a) {
        return Double.longBitsToDouble((a[1] & 0xFFFFFFFFL) | ((long) a[2] << 32));
    }

    /** A growable int array with the codec's list and string encodings (length first; strings UTF-8, 4 bytes per int). */
    private static final class Ints {
        private int[] data = new int[1024];
        private int size;

        Ints add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
            return this;
        }

        Ints add(int[] values) {
            for (int v : values) {
                add(v);
            }
            return this;
        }

        Ints list(int[] values) {
            return add(values.length).add(values);
        }

        Ints string(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            add(bytes.length);
            for (int i = 0; i < bytes.length; i += 4) {
                int word = 0;
                for (int j = 0; j < 4 && i + j < bytes.length; j++) {
                    word |= (bytes[i + j] & 0xFF) << (8 * j);
                }
                add(word);
            }
            return this;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }

    private static final class Reader {
        private final int[] data;
        private int pos;

        Reader(int[] data) {
            this.data = data;
        }

        int next() {
            if (pos >= data.length) {
                throw new IllegalArgumentException("serialised plan ends early (at int " + pos + ")");
            }
            return data[pos++];
        }

        int count(String what) {
            int n = next();
            if (n < 0 || n > data.length - pos) {
                throw new IllegalArgumentException("serialised plan: " + what + " " + n + " at int " + (pos - 1) + " is impossible");
            }
            return n;
        }

        int[] ints(int n) {
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = next();
            }
            return out;
        }

        int[] list() {
            return ints(count("list length"));
        }

        <E> E pick(E[] values, String what) {
            int i = next();
            if (i < 0 || i >= values.length) {
                throw new IllegalArgumentException("serialised plan: " + what + " " + i + " at int " + (pos - 1) + " is out of range");
            }
            return values[i];
        }

        String string() {
            int length = next();
            if (length < 0 || (length + 3) / 4 > data.length - pos) {
                throw new IllegalArgumentException("serialised plan: string length " + length + " at int " + (pos - 1) + " is impossible");
            }
            byte[] bytes = new byte[length];
            for (int i = 0; i < length; i += 4) {
                int word = next();
                for (int j = 0; j < 4 && i + j < length; j++) {
                    bytes[i + j] = (byte) (word >>> (8 * j));
                }
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }

        void expectEnd() {
            if (pos != data.length) {
                throw new IllegalArgumentException("serialised plan has " + (data.length - pos) + " ints after its end");
            }
        }
    }
}
