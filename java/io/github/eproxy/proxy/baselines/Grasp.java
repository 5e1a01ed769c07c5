package io.github.eproxy.proxy.baselines;

import io.github.eproxy.backend.BackendPool;
import io.github.eproxy.backend.InspectableBackend;
import io.github.eproxy.proxy.EproxyConfig;

/**
 * GraSP (Wang et al., "Picking Winning Tickets Before Training by Preserving Gradient Flow",
 * ICLR 2020, Eq. 8: S(-w) = -w * Hg), summed over the convolution and linear weights as Abdelfattah
 * et al. (ICLR 2021) do; g is the cross-entropy gradient of the weights and H their Hessian. The
 * reference code differentiates twice; here Hg is the central difference of gradients along g,
 * (grad(w + h g) - grad(w - h g)) / 2h, with the step h moving the weights by 1e-5 of their norm
 * (two more passes) and the ReLUs and max pools frozen to their choices at w
 * ({@link InspectableBackend#freezeActivationPattern}). Autograd's Hessian
 * takes ReLU'' = 0 and fixed arg-maxes; without the freeze the difference counts the many units
 * the step switches (scores at steps 1e-3 and 1e-5 were uncorrelated, Spearman 0.12 over 40
 * cells). With it the network is smooth in w, but batch norm over nearly constant channels makes
 * it strongly curved: on NB201 cells the score moves by 100% between steps 1e-2 and 1e-3 and by
 * under 0.3% from 3e-5 down to 1e-6, where float32 rounding starts to show. Tests hold it (at
 * step 1e-3) to 1% of the analytic Hg of a linear classifier, to 1% between steps 1e-5 and 1e-6
 * on an NB201 cell, and to 2% between 1e-5 and 3e-6 on an NB101 network with max pooling (whose
 * score still moves by 10% from 3e-5 to 1e-5 and by 40% at 1e-6, where rounding takes over: on
 * NB101 the estimate is coarse).
 */
public final class Grasp extends GradientProxy {
    /** The step's size relative to the weights' norm. */
    static final double RELATIVE_STEP = 1e-5;
    private final double relativeStep;

    public Grasp(EproxyConfig config) {
        this(config, RELATIVE_STEP);
    }

    /** On {@code engines}' backends (the caller closes the pool). */
    public Grasp(EproxyConfig config, BackendPool engines) {
        super(config, engines);
        this.relativeStep = RELATIVE_STEP;
    }

    Grasp(EproxyConfig config, double relativeStep) {
        super(config);
        this.relativeStep = relativeStep;
    }

    @Override
    public String name() {
        return "grasp";
    }

    @Override
    double score(ClassifierNet net, float[] params, float[] grads, InspectableBackend backend) {
        double weightNorm = 0;
        double gradNorm = 0;
        for (int w : net.weights) {
            for (int i = net.offset(w); i < net.offset(w) + net.size(w); i++) {
                weightNorm += (double) params[i] * params[i];
                gradNorm += (double) grads[i] * grads[i];
            }
        }
        if (gradNorm == 0) {
            return 0;
        }
        double h = relativeStep * Math.sqrt(weightNorm / gradNorm);
        backend.freezeActivationPattern();
        try {
            float[] up = gradientAt(net, params, grads, h, backend);
            float[] down = gradientAt(net, params, grads, -h, backend);
            return minusWeightDotHg(net, params, up, down, h);
        } finally {
            backend.thawActivationPattern();
        }
    }

    /** -sum of w * Hg over the weights, Hg = (up - down) / 2h. */
    private static double minusWeightDotHg(ClassifierNet net, float[] params, float[] up, float[] down, double h) {
        double sum = 0;
        for (int w : net.weights) {
            for (int i = net.offset(w); i < net.offset(w) + net.size(w); i++) {
                double hg = ((double) up[i] - down[i]) / (2 * h);
                sum -= params[i] * hg;
            }
        }
        return sum;
    }

    /** The weights' gradient at w + step * g (other parameters unchanged). */
    private float[] gradientAt(ClassifierNet net, float[] params, float[] g, double step, InspectableBackend backend) {
        float[] moved = params.clone();
        for (int w : net.weights) {
            for (int i = net.offset(w); i < net.offset(w) + net.size(w); i++) {
                moved[i] = (float) (params[i] + step * g[i]);
            }
        }
        net.gradients(backend, moved, images, labels);
        return backend.paramGradients();
    }
}
