package io.github.eproxy.proxy;

import io.github.eproxy.backend.SgdSettings;
import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.backend.cpu.CpuBackend;
import io.github.eproxy.graph.Net;
import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.ParamInit;
import io.github.eproxy.plan.Plan;
import io.github.eproxy.plan.Planner;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The fixed regression targets, N x C x 8 x 8, generated deterministically from a seed: the sum of
 * a branch's features times its level (paper Section 2.2, reference behaviour).
 */
final class Targets {
    static final int SIDE = 8;
    /** Teacher maps are the expensive part; DPS asks for the same ones again and again. */
    private static final int CACHE_SIZE = 16;
    private static final Map<String, float[]> TEACHERS = new LinkedHashMap<>(CACHE_SIZE, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    private Targets() {
    }

    static float[] of(Branch branch, float[] images, int batch, long seed, int threads) {
        int c = branch.outChannels();
        float[] sum = new float[batch * c * SIDE * SIDE];
        for (Feature f : branch.features()) {
            long featureSeed = seed * 1_000_003L + f.ordinal() * 7919L + c;
            float[] map = f == Feature.NET ? cachedTeacher(images, batch, c, featureSeed, threads)
                    : f == Feature.DOT ? dots(sum.length, featureSeed) : waves(f, batch, c, featureSeed);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += map[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] *= (float) branch.level();
        }
        return sum;
    }

    private static float[] cachedTeacher(float[] images, int batch, int channels, long seed, int threads) {
        String key = Arrays.hashCode(images) + "/" + batch + "/" + channels + "/" + seed;
        synchronized (TEACHERS) {
            float[] hit = TEACHERS.get(key);
            if (hit != null) {
                return hit;
            }
        }
        float[] computed = teacher(images, batch, channels, seed, threads);
        synchronized (TEACHERS) {
            TEACHERS.put(key, computed);
        }
        return computed;
    }

    /**
     * An untrained CNN (PyTorch default init, batch norm on batch statistics): conv3x3 3->64, BN,
     * ReLU, maxpool 2; conv3x3 64->128, BN, ReLU, maxpool 2; conv3x3 128->256, 256->512,
     * 512->1024, each with BN and ReLU; conv3x3 1024->c. Divided by its largest magnitude.
     */
    static float[] teacher(float[] images, int batch, int channels, long seed, int threads) {
        NetBuilder b = new NetBuilder(new Shape(batch, 3, 32, 32));
        int x = b.input();
        int[] widths = {64, 128, 256, 512, 1024};
        for (int i = 0; i < widths.length; i++) {
            x = b.relu(b.batchNorm(b.conv(x, widths[i], 3, 1, 1, true), true));
            if (i < 2) {
                x = b.maxPool(x, 2, 2, 0);
            }
        }
        int out = b.conv(x, channels, 3, 1, 1, true);
        int loss = b.mseLoss(out, 0, 1);
        Net net = b.build();
        Plan plan = new Planner(threads, true).plan(net);
        float[] zero = new float[net.node(out).shape().numel()];
        try (CpuBackend cpu = new CpuBackend(threads)) {
            cpu.train(new TrainingRun(plan, ParamInit.initialValues(plan, seed), images, new float[][] {zero},
                    new SgdSettings(1f, 0f, 0f), 1));
            float[] y = cpu.prediction(loss);
            float max = 0f;
            for (float v : y) {
                max = Math.max(max, Math.abs(v));
            }
            for (int i = 0; i < y.length; i++) {
                y[i] /= max;
            }
            return y;
        }
    }

    /** Per image and channel: sin(2 pi f t + phi), t = x or y with probability 1/2, f uniform in the band. */
    static float[] waves(Feature band, int batch, int channels, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] range = band.band();
        float[] out = new float[batch * channels * SIDE * SIDE];
        for (int plane = 0; plane < batch * channels; plane++) {
            boolean alongX = rng.nextBoolean();
            double f = range[0] + rng.nextDouble() * (range[1] - range[0]);
            double phi = rng.nextDouble() * 2 * Math.PI;
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    out[(plane * SIDE + y) * SIDE + x] = (float) Math.sin(2 * Math.PI * f * (alongX ? x : y) + phi);
                }
            }
        }
        return out;
    }

    static float[] dots(int size, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
            out[i] = rng.nextBoolean() ? 1f : -1f;
        }
        return out;
    }
}
