package io.github.eproxy.proxy.baselines;

import io.github.eproxy.proxy.Eproxy;
import io.github.eproxy.searchspace.Architecture;
import java.util.Locale;

/** {@link Eproxy} behind the common interface: its score is a loss, lower is better. */
public final class EproxyProxy implements ZeroCostProxy {
    private final Eproxy eproxy;

    public EproxyProxy(Eproxy eproxy) {
        this.eproxy = eproxy;
    }

    @Override
    public String name() {
        return "eproxy";
    }

    @Override
    public String engine() {
        return eproxy.backend().name().toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean higherIsBetter() {
        return false;
    }

    @Override
    public double score(Architecture arch) {
        return eproxy.score(arch).score();
    }

    @Override
    public void close() {
        eproxy.close();
    }
}
