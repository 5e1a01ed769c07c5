package io.github.eproxy.proxy.baselines;

import io.github.eproxy.backend.BackendChoice;
import io.github.eproxy.backend.BackendPool;
import java.lang.ref.Cleaner;

/**
 * A baseline whose passes run on backends borrowed from a pool: a CPU pool of its own, or a pool the
 * caller owns and closes, which is how baselines run on the GPU and how several proxies share one
 * set of GPU executors. A pool of its own is closed with the proxy, or, for a proxy nobody closes,
 * once it is unreachable.
 */
abstract class PooledProxy implements ZeroCostProxy {
    private static final Cleaner CLEANER = Cleaner.create();

    final BackendPool engines;
    private final Cleaner.Cleanable ownPool;

    /** {@code ownsEngines}: the proxy closes the pool (its own CPU pool); otherwise the caller does. */
    PooledProxy(BackendPool engines, boolean ownsEngines) {
        this.engines = engines;
        this.ownPool = ownsEngines ? CLEANER.register(this, engines::close) : null;
    }

    /** A pool of the proxy's own: CPU backends, one thread per architecture. */
    static BackendPool ownCpuPool() {
        return BackendPool.of(BackendChoice.CPU);
    }

    @Override
    public String engine() {
        return engines.engine();
    }

    @Override
    public void close() {
        if (ownPool != null) {
            ownPool.clean();
        }
    }
}
