package io.github.eproxy.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable, shape-checked graph: nodes in topological order, their parameters, and the loss
 * nodes. Built with {@link NetBuilder}. Parameter count and FLOPs come from the IR alone, so every
 * backend agrees on them.
 */
public final class Net {
    private final List<Node> nodes;
    private final List<Param> params;
    private final List<Integer> losses;

    Net(List<Node> nodes, List<Param> params, List<Integer> losses) {
        this.nodes = Collections.unmodifiableList(new ArrayList<>(nodes));
        this.params = Collections.unmodifiableList(new ArrayList<>(params));
        this.losses = List.copyOf(losses);
    }

    /**
     * A net from already shape-checked parts, for decoders of serialised plans ({@link NetBuilder}
     * is how nets are built). Checks that node ids are positions and that inputs come earlier.
     */
    public static Net of(List<Node> nodes, List<Param> params, List<Integer> losses) {
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.id() != i) {
                throw new IllegalArgumentException("node at position " + i + " has id " + n.id());
            }
            for (int in : n.inputs()) {
                if (in < 0 || in >= i) {
                    throw new IllegalArgumentException(n + ": input " + in + " is not an earlier node");
                }
            }
            for (int p : n.params()) {
                if (p < 0 || p >= params.size()) {
                    throw new IllegalArgumentException(n + ": parameter " + p + " does not exist");
                }
            }
        }
        for (int l : losses) {
            if (l < 0 || l >= nodes.size() || !(nodes.get(l).op() instanceof Op.Loss)) {
                throw new IllegalArgumentException("loss " + l + " is not a loss node");
            }
        }
        return new Net(nodes, params, losses);
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Node node(int id) {
        return nodes.get(id);
    }

    public List<Param> params() {
        return params;
    }

    /** Ids of the {@link Op.Loss} nodes, in the order they were added. */
    public List<Integer> losses() {
        return losses;
    }

    /** The single {@link Op.Input} node. */
    public Node input() {
        return nodes.get(0);
    }

    /** Parameter elements of the nodes whose ids are {@code < limit}. */
    public long paramCount(int limit) {
        long n = 0;
        for (int i = 0; i < limit; i++) {
            for (int p : nodes.get(i).params()) {
                n += params.get(p).numel();
            }
        }
        return n;
    }

    /** Number of parameter elements; trainable ones only if {@code trainableOnly}. */
    public long paramCount(boolean trainableOnly) {
        long n = 0;
        for (Param p : params) {
            if (p.trainable() || !trainableOnly) {
                n += p.numel();
            }
        }
        return n;
    }

    /** Forward multiply-adds per image of the nodes whose ids are {@code < limit}. */
    public long macsPerImage(int limit) {
        long macs = 0;
        for (int i = 0; i < limit; i++) {
            macs += Flops.macsPerImage(this, nodes.get(i));
        }
        return macs;
    }

    /** Forward multiply-adds per image of the whole net (convolutions; see {@link Flops}). */
    public long macsPerImage() {
        return macsPerImage(nodes.size());
    }

    /** Forward multiply-adds for the whole batch. */
    public long macsPerBatch() {
        return macsPerImage() * input().shape().n();
    }

    /**
     * True when some loss's prediction does not depend on the input at all: every path from the
     * input is cut by a {@link Op.Zero}. Such a network cannot learn anything (NAS-Bench-201 cells
     * with no live path to the output node), and its proxy loss is meaningless.
     */
    public boolean isInputIndependent() {
        boolean[] live = new boolean[nodes.size()];
        live[0] = true;
        for (Node n : nodes) {
            if (n.id() == 0 || n.op() instanceof Op.Zero) {
                continue;
            }
            for (int in : n.inputs()) {
                live[n.id()] |= live[in];
            }
        }
        for (int loss : losses) {
            if (!live[nodes.get(loss).input(0)]) {
                return true;
            }
        }
        return false;
    }
}
