package io.github.eproxy.plan;

import io.github.eproxy.graph.Net;
import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Op;
import io.github.eproxy.graph.Param;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Turns a {@link Net} into a {@link Plan}. Every tensor gets a lifetime, an interval of steps
 * (forward steps first, then backward steps), and tensors whose lifetimes do not overlap share
 * memory: a greedy first-fit placement, largest tensors first. The input image and the targets live
 * for the whole run. Planning happens once per architecture; training then allocates nothing.
 */
public final class Planner {
    /** Offsets are aligned to 16 floats (one 64-byte cache line). */
    static final int ALIGN = 16;

    private final int threads;
    private final boolean reuse;

    /**
     * @param threads the number of threads the backend will run each step with (sizes the workspaces)
     * @param reuse   whether tensors with disjoint lifetimes may share memory (off: for testing)
     */
    public Planner(int threads, boolean reuse) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.reuse = reuse;
    }

    /**
     * @throws IllegalArgumentException when the network's tensors, scratch or parameters need more
     *     than the 2^31 - 1 floats an arena may hold
     */
    public Plan plan(Net net) {
        try {
            return layOut(net);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("network too large: with " + threads + " thread(s) its activations, "
                    + "gradients, scratch or parameters need more than the 2^31 - 1 floats an arena may hold", e);
        }
    }

    private Plan layOut(Net net) {
        int n = net.nodes().size();
        boolean[] live = liveNodes(net);
        List<List<Node>> consumers = consumers(net, live);
        boolean[] needsGrad = new boolean[n];
        int[] fwdIndex = new int[n];
        Arrays.fill(fwdIndex, -1);
        List<Integer> forward = new ArrayList<>();
        for (Node node : net.nodes()) {
            if (node.id() == 0 || !live[node.id()]) {
                continue;
            }
            boolean g = false;
            for (int p : node.params()) {
                g |= net.params().get(p).trainable();
            }
            for (int in : node.inputs()) {
                g |= needsGrad[in];
            }
            needsGrad[node.id()] = g;
            fwdIndex[node.id()] = forward.size();
            forward.add(node.id());
        }
        int steps = forward.size();
        int[] bwdIndex = new int[n];
        Arrays.fill(bwdIndex, -1);
        List<Integer> backward = new ArrayList<>();
        for (int i = forward.size() - 1; i >= 0; i--) {
            int id = forward.get(i);
            if (needsGrad[id]) {
                bwdIndex[id] = steps + backward.size();
                backward.add(id);
            }
        }
        int end = steps + backward.size();
        int[] reluAfter = fusableRelus(net, forward, fwdIndex, consumers, needsGrad);
        int[] fusedInto = new int[n];
        Arrays.fill(fusedInto, -1);
        for (int id = 0; id < n; id++) {
            if (reluAfter[id] >= 0) {
                fusedInto[reluAfter[id]] = id;
            }
        }

        List<Tensor> tensors = new ArrayList<>();
        Tensor[] act = new Tensor[n];
        Tensor[] grad = new Tensor[n];
        Tensor[] saved = new Tensor[n];
        Tensor[] fwdWs = new Tensor[n];
        Tensor[] bwdWs = new Tensor[n];
        act[0] = add(tensors, net.input().shape().numel(), -1, Integer.MAX_VALUE);
        int targets = 0;
        for (int loss : net.losses()) {
            targets = Math.max(targets, ((Op.Loss) net.node(loss).op()).target() + 1);
        }
        Tensor[] target = new Tensor[targets];
        for (int loss : net.losses()) {
            Node node = net.node(loss);
            int t = ((Op.Loss) node.op()).target();
            int size = net.node(node.input(0)).shape().numel();
            if (target[t] != null && target[t].size != size) {
                throw new IllegalArgumentException("target " + t + " is used by losses of different sizes");
            }
            target[t] = add(tensors, size, -1, Integer.MAX_VALUE);
        }
        for (int id : forward) {
            Node node = net.node(id);
            int start = fwdIndex[id];
            int last = start;
            boolean needsOwnOutput = node.op() instanceof Op.Relu && needsGrad[id];
            if (needsOwnOutput) {
                last = Math.max(last, bwdIndex[id]);
            }
            if (fusedInto[id] >= 0) {
                // written by the batch norm's forward, read by its backward
                start = fwdIndex[fusedInto[id]];
                last = Math.max(last, bwdIndex[fusedInto[id]]);
            }
            for (Node c : consumers.get(id)) {
                last = Math.max(last, fwdIndex[c.id()]);
                if (needsGrad[c.id()] && readsInputInBackward(net, c)) {
                    last = Math.max(last, bwdIndex[c.id()]);
                }
            }
            act[id] = add(tensors, node.shape().numel(), start, last);
            if (node.op() instanceof Op.BatchNorm) {
                saved[id] = add(tensors, 2 * node.shape().c(), start, needsGrad[id] ? bwdIndex[id] : start);
            }
            int ws = Workspace.forward(net, node, threads);
            if (ws > 0) {
                fwdWs[id] = add(tensors, ws, start, start);
            }
        }
        List<List<Integer>> zeroBefore = new ArrayList<>();
        for (int i = 0; i < backward.size(); i++) {
            zeroBefore.add(new ArrayList<>());
        }
        for (int id : backward) {
            Node node = net.node(id);
            if (!(node.op() instanceof Op.Loss)) {
                int first = end;
                for (Node c : consumers.get(id)) {
                    first = Math.min(first, bwdIndex[c.id()]);
                }
                int last = fusedInto[id] >= 0 ? bwdIndex[fusedInto[id]] : bwdIndex[id];
                grad[id] = add(tensors, node.shape().numel(), first, last);
                zeroBefore.get(first - steps).add(id);
            }
            int ws = Workspace.backward(net, node, threads);
            if (ws > 0) {
                bwdWs[id] = add(tensors, ws, bwdIndex[id], bwdIndex[id]);
            }
        }
        long unshared = 0;
        for (Tensor t : tensors) {
            unshared += t.size;
        }
        int arena = place(tensors, reuse);

        int[] paramOffset = new int[net.params().size()];
        int trainable = placeParams(net, paramOffset, true, 0);
        int offset = placeParams(net, paramOffset, false, trainable);
        int[][] zero = new int[backward.size()][];
        for (int i = 0; i < zero.length; i++) {
            zero[i] = zeroBefore.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        return new Plan(net, toArray(forward), toArray(backward), offsets(act), offsets(grad), offsets(saved),
                offsets(fwdWs), offsets(bwdWs), offsets(target), zero, needsGrad, reluAfter, arena, unshared, threads,
                paramOffset, offset, trainable);
    }

    /**
     * For each batch norm that needs a gradient and whose only consumer is a ReLU run right after
     * it, that ReLU (see {@link Plan#reluAfter}); -1 elsewhere.
     */
    private static int[] fusableRelus(Net net, List<Integer> forward, int[] fwdIndex, List<List<Node>> consumers,
            boolean[] needsGrad) {
        int[] reluAfter = new int[net.nodes().size()];
        Arrays.fill(reluAfter, -1);
        for (int id : forward) {
            List<Node> readers = consumers.get(id);
            if (net.node(id).op() instanceof Op.BatchNorm && needsGrad[id] && readers.size() == 1) {
                Node r = readers.get(0);
                if (r.op() instanceof Op.Relu && fwdIndex[r.id()] == fwdIndex[id] + 1) {
                    reluAfter[id] = r.id();
                }
            }
        }
        return reluAfter;
    }

    /** Lays the parameters that are (not) trainable out from {@code offset}; returns the end. */
    private static int placeParams(Net net, int[] paramOffset, boolean trainable, int offset) {
        for (int p = 0; p < paramOffset.length; p++) {
            Param param = net.params().get(p);
            if (param.trainable() == trainable) {
                paramOffset[p] = offset;
                offset = Math.addExact(offset, param.numel());
            }
        }
        return offset;
    }

    /** Nodes from which some loss can be reached. */
    private static boolean[] liveNodes(Net net) {
        boolean[] live = new boolean[net.nodes().size()];
        for (int loss : net.losses()) {
            live[loss] = true;
        }
        for (int i = live.length - 1; i >= 0; i--) {
            if (live[i]) {
                for (int in : net.node(i).inputs()) {
                    live[in] = true;
                }
            }
        }
        return live;
    }

    /** For each node, the live nodes that read it, in id order (each once). */
    private static List<List<Node>> consumers(Net net, boolean[] live) {
        List<List<Node>> out = new ArrayList<>();
        for (int i = 0; i < net.nodes().size(); i++) {
            out.add(new ArrayList<>());
        }
        for (Node c : net.nodes()) {
            if (live[c.id()]) {
                for (int in : c.inputs()) {
                    List<Node> readers = out.get(in);
                    if (readers.isEmpty() || readers.get(readers.size() - 1) != c) {
                        readers.add(c);
                    }
                }
            }
        }
        return out;
    }

    /** Ops whose backward reads their forward input. */
    private static boolean readsInputInBackward(Net net, Node c) {
        Op op = c.op();
        if (op instanceof Op.Conv2d) {
            return net.params().get(c.params()[0]).trainable();
        }
        return op instanceof Op.BatchNorm || op instanceof Op.MaxPool || op instanceof Op.Loss;
    }

    private static Tensor add(List<Tensor> tensors, int size, int start, int end) {
        Tensor t = new Tensor(size, start, end);
        tensors.add(t);
        return t;
    }

    /** First-fit placement, largest first; returns the arena size. */
    private static int place(List<Tensor> tensors, boolean reuse) {
        List<Tensor> order = new ArrayList<>(tensors);
        order.sort(Comparator.comparingInt((Tensor t) -> -t.size).thenComparingInt(t -> t.start));
        List<Tensor> placed = new ArrayList<>(); // by offset, so the first gap that fits is found in one pass
        int arena = 0;
        for (Tensor t : order) {
            int size = align(t.size);
            if (!reuse) {
                t.offset = arena;
            } else {
                int candidate = 0;
                for (Tensor p : placed) {
                    if (p.start > t.end || t.start > p.end) {
                        continue; // lifetimes do not overlap: may share memory
                    }
                    if (Math.addExact(candidate, size) <= p.offset) {
                        break;
                    }
                    candidate = Math.max(candidate, Math.addExact(p.offset, align(p.size)));
                }
                t.offset = candidate;
            }
            placed.add(insertionPoint(placed, t.offset), t);
            arena = Math.max(arena, Math.addExact(t.offset, size));
        }
        return arena;
    }

    /** Index after the last tensor whose offset is at most {@code offset}. */
    private static int insertionPoint(List<Tensor> byOffset, int offset) {
        int lo = 0;
        int hi = byOffset.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (byOffset.get(mid).offset <= offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int align(int size) {
        return Math.addExact(size, ALIGN - 1) / ALIGN * ALIGN;
    }

    private static int[] offsets(Tensor[] tensors) {
        int[] out = new int[tensors.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = tensors[i] == null ? -1 : tensors[i].offset;
        }
        return out;
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    private static final class Tensor {
        final int size;
        final int start;
        final int end;
        int offset;

        Tensor(int size, int start, int end) {
            this.size = size;
            this.start = start;
            this.end = end;
        }
    }
}
