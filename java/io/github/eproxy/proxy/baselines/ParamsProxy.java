package io.github.eproxy.proxy.baselines;

import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.searchspace.Architecture;

/** Trainable parameters of the backbone (classifier removed): the simplest size baseline. */
public final class ParamsProxy implements ZeroCostProxy {

    @Override
    public String name() {
        return "params";
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
        NetBuilder b = new NetBuilder(new Shape(1, 3, 32, 32));
        b.mseLoss(arch.build(b)[0], 0, 1);
        return b.build().paramCount(true);
    }
}
