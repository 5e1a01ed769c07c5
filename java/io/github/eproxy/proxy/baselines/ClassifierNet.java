package io.github.eproxy.proxy.baselines;

import io.github.eproxy.backend.SgdSettings;
import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.backend.InspectableBackend;
import io.github.eproxy.graph.Init;
import io.github.eproxy.graph.Net;
import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Param;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.ParamInit;
import io.github.eproxy.plan.Plan;
import io.github.eproxy.plan.Planner;
import io.github.eproxy.searchspace.Architecture;
import java.util.ArrayList;
import java.util.List;

/**
 * An architecture's whole classification network (backbone, its search space's head with
 * {@value #CLASSES} logits) under a loss, planned for one thread without buffer reuse so that every
 * activation and gradient can be read after a pass: the common ground of the data-dependent
 * baseline proxies. The loss is cross-entropy against one-hot labels, or the sum of the logits.
 */
final class ClassifierNet {
    static final int CLASSES = 10;
    private static final SgdSettings UNUSED = new SgdSettings(1f, 0f, 0f);

    final Net net;
    final Plan plan;
    final int logits;
    /** Parameter indices of the convolution and linear weights: the layers the proxies' reference code scores. */
    final int[] weights;

    ClassifierNet(Architecture arch, int batch, Init init, boolean batchNorm, boolean sumOfLogits) {
        NetBuilder b = new NetBuilder(new Shape(batch, 3, 32, 32)).init(init).batchNorm(batchNorm);
        logits = arch.classifier(b, CLASSES);
        if (sumOfLogits) {
            b.dotLoss(logits, 0);
        } else {
            b.crossEntropyLoss(logits, 0);
        }
        net = b.build();
        plan = new Planner(1, false).plan(net);
        List<Integer> w = new ArrayList<>();
        for (int i = 0; i < net.params().size(); i++) {
            if (net.params().get(i).role() == Param.Role.CONV_WEIGHT) {
                w.add(i);
            }
        }
        weights = w.stream().mapToInt(Integer::intValue).toArray();
    }

    float[] initialParams(long seed) {
        return ParamInit.initialValues(plan, seed);
    }

    /** The offset of parameter {@code param} in the plan's layout. */
    int offset(int param) {
        return plan.paramOffset[param];
    }

    int size(int param) {
        return net.params().get(param).numel();
    }

    /** One forward and backward pass; returns the loss. Read the gradients from {@code backend}. */
    double gradients(InspectableBackend backend, float[] params, float[] input, float[] target) {
        return backend.gradients(new TrainingRun(plan, params, input, new float[][] {target}, UNUSED, 1));
    }

    /** A forward pass only. */
    void forward(InspectableBackend backend, float[] params, float[] input, float[] target) {
        backend.train(new TrainingRun(plan, params, input, new float[][] {target}, UNUSED, 1));
    }

    /** Labels as one-hot rows of {@value #CLASSES}, shaped like the logits. */
    static float[] oneHot(int[] labels) {
        float[] t = new float[labels.length * CLASSES];
        for (int n = 0; n < labels.length; n++) {
            t[n * CLASSES + labels[n]] = 1f;
        }
        return t;
    }
}
