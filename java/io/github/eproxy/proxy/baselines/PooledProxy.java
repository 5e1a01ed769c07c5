package io.github.eproxy.proxy.baselines;

import io.github.eproxy.backend.BackendChoice;
import io.github.eproxy.backend.BackendPool;

/**
 * A baseline whose passes run on backends borrowed from a pool: a CPU pool of its own (closed with
 * the proxy), or a pool the caller owns and closes, which is how baselines run on the GPU and how
 * several proxies share one set of GPU executors.
 */
abstract class PooledProxy implements ZeroCostProxy {
    final BackendPool engines;
    private final boolean ownsEngines;

    /** {@code ownsEngines}: the proxy closes the pool (its own CPU pool); otherwise the caller does. */
    PooledProxy(BackendPool engines, boolean ownsEngines) {
        this.engines = engines;
        this.ownsEngines = ownsEngines;
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
        if (ownsEngines) {
            engines.close();
        }
    }
}
