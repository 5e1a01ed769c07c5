package io.github.eproxy.proxy.baselines;

import io.github.eproxy.backend.cpu.CpuBackend;
import io.github.eproxy.proxy.EproxyConfig;

/**
 * GraSP (Wang et al., "Picking Winning Tickets Before Training by Preserving Gradient Flow",
 * ICLR 2020, Eq. 8: S(-w) = -w * Hg), summed over the convolution and linear weights as Abdelfattah
 * et al. (ICLR 2021) do; g is the cross-entropy gradient of the weights and H their Hessian. The
 * reference code differentiates twice; here Hg is the central difference of gradients along g,
 * (grad(w + h g) - grad(w - h g)) / 2h, with the step h moving the weights by 1e-3 of their norm:
 * two more passes, exact for a quadratic loss and otherwise off by O(h^2) and by float32 rounding
 * (a test holds it to 1% of the analytic Hg of a linear classifier). ReLU kinks crossed by the step
 * are where a second derivative does not exist in either form.
 */
public final class Grasp extends GradientProxy {
    /** The step's size relative to the weights' norm. */
    static final double RELATIVE_STEP = 1e-3;

    public Grasp(EproxyConfig config) {
        super(config);
    }

    @Override
    public String name() {
        return "grasp";
    }

    @Override
    double score(ClassifierNet net, float[] params, float[] grads, CpuBackend cpu) {
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
        double h = RELATIVE_STEP * Math.sqrt(weightNorm / gradNorm);
        float[] up = gradientAt(net, params, grads, h, cpu);
        float[] down = gradientAt(net, params, grads, -h, cpu);
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
    private float[] gradientAt(ClassifierNet net, float[] params, float[] g, double step, CpuBackend cpu) {
        float[] moved = params.clone();
        for (int w : net.weights) {
            for (int i = net.offset(w); i < net.offset(w) + net.size(w); i++) {
                moved[i] = (float) (params[i] + step * g[i]);
            }
        }
        net.gradients(cpu, moved, images, labels);
        return cpu.paramGradients();
    }
}
