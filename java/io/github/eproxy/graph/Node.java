package io.github.eproxy.graph;

import java.util.Arrays;

/**
 * One op applied to earlier nodes. Nodes are numbered in topological order.
 *
 * @param id     position in {@link Net#nodes()}
 * @param name   readable name for messages
 * @param op     the op
 * @param inputs ids of the input nodes
 * @param shape  the inferred output shape (loss nodes: 1x1x1x1)
 * @param params indices into {@link Net#params()} (conv: weight[, bias]; affine BN: gamma, beta)
 */
public record Node(int id, String name, Op op, int[] inputs, Shape shape, int[] params) {

    public int input(int i) {
        return inputs[i];
    }

    @Override
    public String toString() {
        return "node " + id + " (" + op.kind() + (name.isEmpty() ? "" : " '" + name + "'") + ", inputs "
                + Arrays.toString(inputs) + " -> " + shape + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Node n && id == n.id && op.equals(n.op) && Arrays.equals(inputs, n.inputs);
    }

    @Override
    public int hashCode() {
        return id * 31 + op.hashCode();
    }
}
