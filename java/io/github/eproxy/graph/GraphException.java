package io.github.eproxy.graph;

/** A graph that cannot be built: the message names the op, the node and the shapes involved. */
public final class GraphException extends IllegalArgumentException {
    public GraphException(String message) {
        super(message);
    }
}
