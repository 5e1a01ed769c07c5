package io.github.eproxy.plan;

import io.github.eproxy.graph.Init;
import io.github.eproxy.graph.Param;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
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

    /**
     * Frozen values by seed and frozen tensor list: they are the same in every network of a search
     * (Eproxy's barrier), so each architecture copies them instead of drawing them again.
     */
    private static final Map<String, float[]> FROZEN = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > 8;
        }
    });

    public static float[] initialValues(Plan plan, long seed) {
        float[] values = new float[plan.paramSize];
        drawAll(plan, true, new SplittableRandom(seed), values, 0);
        // Frozen tensors follow the trainable ones, in parameter order (Planner.placeParams).
        float[] frozen = FROZEN.computeIfAbsent(frozenKey(plan, seed), k -> {
            float[] f = new float[plan.paramSize - plan.trainableSize];
            drawAll(plan, false, new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L), f, plan.trainableSize);
            return f;
        });
        System.arraycopy(frozen, 0, values, plan.trainableSize, frozen.length);
        return values;
    }

    /** Draws the trainable (or the frozen) tensors in parameter order into {@code values}, which starts at offset {@code base}. */
    private static void drawAll(Plan plan, boolean trainable, SplittableRandom rng, float[] values, int base) {
        for (int i = 0; i < plan.net.params().size(); i++) {
            Param p = plan.net.params().get(i);
            if (p.trainable() == trainable) {
                fill(p, rng, values, plan.paramOffset[i] - base);
            }
        }
    }

    /** Everything the frozen values depend on: the seed and each frozen tensor's role, scheme, fans and size. */
    private static String frozenKey(Plan plan, long seed) {
        StringBuilder key = new StringBuilder().append(seed);
        for (Param p : plan.net.params()) {
            if (!p.trainable()) {
                key.append('|').append(p.role()).append(',').append(p.init()).append(',').append(p.fanIn()).append(',')
                        .append(p.fanOut()).append(',').append(p.numel());
            }
        }
        return key.toString();
    }

    /** Draws {@code p}'s values into {@code values} from {@code off}; the scale is worked out once per tensor. */
    private static void fill(Param p, SplittableRandom rng, float[] values, int off) {
        int n = p.numel();
        switch (p.role()) {
            case BN_GAMMA:
                Arrays.fill(values, off, off + n, 1f);
                return;
            case BN_BETA:
                Arrays.fill(values, off, off + n, 0f);
                return;
            case CONV_BIAS:
                if (p.init() == Init.PYTORCH_DEFAULT) {
                    uniform(rng, 1.0 / Math.sqrt(p.fanIn()), values, off, n);
                } else {
                    boolean xavier = p.init() == Init.XAVIER_UNIFORM || p.init() == Init.XAVIER_NORMAL;
                    Arrays.fill(values, off, off + n, xavier ? 0.01f : 0f);
                }
                return;
            default:
                weights(p, rng, values, off, n);
        }
    }

    private static void weights(Param p, SplittableRandom rng, float[] values, int off, int n) {
        double xavierStd = Math.sqrt(2.0 / (p.fanIn() + p.fanOut()));
        double kaimingStd = Math.sqrt(2.0) / Math.sqrt(p.fanOut());
        switch (p.init()) {
            case XAVIER_UNIFORM:
                uniform(rng, Math.sqrt(3.0) * xavierStd, values, off, n);
                break;
            case XAVIER_NORMAL:
                normal(rng, xavierStd, values, off, n);
                break;
            case KAIMING_UNIFORM:
                uniform(rng, Math.sqrt(3.0) * kaimingStd, values, off, n);
                break;
            case KAIMING_NORMAL:
                normal(rng, kaimingStd, values, off, n);
                break;
            case STANDARD_NORMAL:
                normal(rng, 1.0, values, off, n);
                break;
            default:
                uniform(rng, 1.0 / Math.sqrt(p.fanIn()), values, off, n);
        }
    }

    private static void uniform(SplittableRandom rng, double bound, float[] values, int off, int n) {
        for (int j = off; j < off + n; j++) {
            values[j] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
    }

    private static void normal(SplittableRandom rng, double std, float[] values, int off, int n) {
        for (int j = off; j < off + n; j++) {
            values[j] = (float) (rng.nextGaussian() * std);
        }
    }
}
