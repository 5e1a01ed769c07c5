package io.github.eproxy.proxy.baselines;

import io.github.eproxy.searchspace.Architecture;

/** Backbone multiply-adds per 3x32x32 image: the baseline every proxy must beat on NAS-Bench-201. */
public final class FlopsProxy implements ZeroCostProxy {

    @Override
    public String name() {
        return "flops";
    }

    @Override
    public String engine() {
        return "none";
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public double score(Architecture arch) {
        return arch.macs();
    }
}
