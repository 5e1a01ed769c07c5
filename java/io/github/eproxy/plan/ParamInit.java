package io.github.eproxy.plan;

import io.github.eproxy.graph.Init;
import io.github.eproxy.graph.Param;
import java.util.SplittableRandom;

/**
 * Initial parameter values in a plan's layout, drawn in parameter order from a seeded generator:
 * one stream for trainable and another for frozen tensors, so that a frozen layer of the same shape
 * (Eproxy's barrier) gets the same values in every network. Formulas follow {@code torch.nn.init}'s formulas: default Conv2d init U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for
 * weight and bias; Xavier (bias 0.01 as the reference sets it); Kaiming with mode fan_out and ReLU
 * gain (bias 0); standard normal (bias 0); batch norm weight 1, bias 0.
 */
public final class ParamInit {
    private ParamInit() {
    }

    public static float[] initialValues(Plan plan, long seed) {
        SplittableRandom trainable = new SplittableRandom(seed);
        SplittableRandom frozen = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        float[] values = new float[plan.paramSize];
        for (int i = 0; i < plan.net.params().size(); i++) {
            Param p = plan.net.params().get(i);
            SplittableRandom rng = p.trainable() ? trainable : frozen;
            int off = plan.paramOffset[i];
            for (int j = 0; j < p.numel(); j++) {
                values[off + j] = draw(p, rng);
            }
        }
        return values;
    }

    private static float draw(Param p, SplittableRandom rng) {
        switch (p.role()) {
            case BN_GAMMA:
                return 1f;
            case BN_BETA:
                return 0f;
            case CONV_BIAS:
                if (p.init() == Init.PYTORCH_DEFAULT) {
                    return uniform(rng, 1.0 / Math.sqrt(p.fanIn()));
                }
                return p.init() == Init.XAVIER_UNIFORM || p.init() == Init.XAVIER_NORMAL ? 0.01f : 0f;
            default:
                return weight(p, rng);
        }
    }

    private static float weight(Param p, SplittableRandom rng) {
        double xavierStd = Math.sqrt(2.0 / (p.fanIn() + p.fanOut()));
        double kaimingStd = Math.sqrt(2.0) / Math.sqrt(p.fanOut());
        switch (p.init()) {
            case XAVIER_UNIFORM:
                return uniform(rng, Math.sqrt(3.0) * xavierStd);
            case XAVIER_NORMAL:
                return (float) (rng.nextGaussian() * xavierStd);
            case KAIMING_UNIFORM:
                return uniform(rng, Math.sqrt(3.0) * kaimingStd);
            case KAIMING_NORMAL:
                return (float) (rng.nextGaussian() * kaimingStd);
            case STANDARD_NORMAL:
                return (float) rng.nextGaussian();
            default:
                return uniform(rng, 1.0 / Math.sqrt(p.fanIn()));
        }
    }

    private static float uniform(SplittableRandom rng, double bound) {
        return (float) ((rng.nextDouble() * 2 - 1) * bound);
    }
}
