package io.github.eproxy.backend;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Backends of one engine, opened as concurrent callers first need them and then reused from one
 * architecture to the next (their buffers only grow, so a GPU executor allocates once). The pool
 * owns them: {@link #close} closes those given back, and one still in use is closed when it is
 * given back. Thread-safe.
 */
public final class BackendPool implements AutoCloseable {
    private final String engine;
    private final Supplier<? extends InspectableBackend> opener;
    private final Deque<InspectableBackend> idle = new ArrayDeque<>();
    private boolean closed;

    /** {@code engine} names where the backends run ("cpu", "cuda", ...), for reports. */
    public BackendPool(String engine, Supplier<? extends InspectableBackend> opener) {
        this.engine = engine;
        this.opener = opener;
    }

    /** Backends of a resolved choice ({@code cpu}: one thread each; {@code cuda}: the GPU). */
    public static BackendPool of(BackendChoice resolved) {
        if (resolved == BackendChoice.AUTO) {
            throw new IllegalArgumentException("resolve() the auto choice before pooling backends");
        }
        return new BackendPool(resolved.name().toLowerCase(Locale.ROOT), () -> resolved.open(1));
    }

    public String engine() {
        return engine;
    }

    /** Runs {@code body} on a backend that no other caller holds meanwhile. */
    public <T> T apply(Function<InspectableBackend, T> body) {
        InspectableBackend backend = take();
        try {
            return body.apply(backend);
        } finally {
            giveBack(backend);
        }
    }

    private synchronized InspectableBackend take() {
        if (closed) {
            throw new IllegalStateException("the " + engine + " backend pool is closed");
        }
        InspectableBackend b = idle.poll();
        return b != null ? b : opener.get();
    }

    private synchronized void giveBack(InspectableBackend backend) {
        if (closed) {
            backend.close();
        } else {
            idle.push(backend);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (InspectableBackend b : idle) {
            b.close();
        }
        idle.clear();
    }
}
