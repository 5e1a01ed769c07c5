package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Node;
import io.github.eproxy.plan.Plan;

/**
 * One node of a plan, bound to the backend's memory. {@code forward} and {@code backward} do a
 * share {@code part} of {@code parts} of the work (split over images or channels so that parts never
 * write the same element); {@code afterBackward} runs once on the calling thread after all parts.
 * Backward steps accumulate into input gradients ({@code +=}) and write parameter gradients ({@code =}).
 */
abstract class Step {
    final Plan plan;
    final Node node;
    final NativeFloats a;
    final NativeFloats p;
    final NativeFloats g;

    Step(Plan plan, Node node, Memory m) {
        this.plan = plan;
        this.node = node;
        this.a = m.arena.floats();
        this.p = m.params.floats();
        this.g = m.grads.floats();
    }

    abstract void forward(int part, int parts);

    abstract void backward(int part, int parts);

    void afterBackward() {
    }

    final void run(boolean backward, int part, int parts) {
        if (backward) {
            backward(part, parts);
        } else {
            forward(part, parts);
        }
    }

    /** Arena offset of this node's output. */
    final int out() {
        return plan.act[node.id()];
    }

    /** Arena offset of input {@code i}'s output. */
    final int in(int i) {
        return plan.act[node.input(i)];
    }

    /** Arena offset of this node's output gradient. */
    final int dout() {
        return plan.grad[node.id()];
    }

    /** Arena offset of input {@code i}'s gradient, or -1 if it needs none. */
    final int din(int i) {
        return plan.needsGrad[node.input(i)] ? plan.grad[node.input(i)] : -1;
    }

    final int param(int i) {
        return plan.paramOffset[node.params()[i]];
    }

    final boolean trainable(int i) {
        return plan.net.params().get(node.params()[i]).trainable();
    }

    static int lo(int total, int part, int parts) {
        return (int) ((long) total * part / parts);
    }

    static int hi(int total, int part, int parts) {
        return (int) ((long) total * (part + 1) / parts);
    }
}
