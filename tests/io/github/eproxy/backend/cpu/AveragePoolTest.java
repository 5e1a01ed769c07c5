package io.github.eproxy.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.eproxy.backend.SgdSettings;
import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.ParamInit;
import io.github.eproxy.plan.Plan;
import io.github.eproxy.plan.Planner;
import io.github.eproxy.testing.Tensors;
import org.junit.jupiter.api.Test;

/**
 * Same-size average pooling (whole chunks of planes, one tap at a time) against its plain
 * per-element form, bit for bit: forward, window sums along each row, then down each column, each
 * started from 0 over the in-bounds taps, divided by the tap count; backward the adjoint, in that
 * order reversed. Planes from 1x1 to wider than a chunk, windows 1, 3 and 5, one and two threads.
 */
class AveragePoolTest {
    @Test
    void sameSizePoolingMatchesThePlainLoopsBitForBit() {
        int[][] planes = {{1, 1}, {2, 3}, {8, 8}, {5, 9}, {32, 32}, {48, 50}};
        for (int k : new int[] {1, 3, 5}) {
            for (int[] hw : planes) {
                for (int threads : new int[] {1, 2}) {
                    check(k, hw[0], hw[1], threads);
                }
            }
        }
    }

    private static void check(int k, int h, int w, int threads) {
        int pad = (k - 1) / 2;
        NetBuilder b = new NetBuilder(new Shape(3, 2, h, w));
        int x = b.conv(b.input(), 5, 1, 1, 0, true);
        int y = b.avgPool(x, k, 1, pad);
        b.mseLoss(b.conv(y, 2, 1, 1, 0, false), 0, 1);
        Plan plan = new Planner(threads, false).plan(b.build());
        float[] params = ParamInit.initialValues(plan, 3);
        float[] input = Tensors.random(plan.net.input().shape().numel(), 4);
        float[][] target = {Tensors.random(3 * 2 * h * w, 5)};
        try (CpuBackend cpu = new CpuBackend(threads)) {
            cpu.gradients(new TrainingRun(plan, params, input, target, new SgdSettings(0.1f, 0f, 0f), 1));
            String where = "k" + k + " " + h + "x" + w + " threads " + threads;
            assertBits(forward(cpu.output(x), 15, h, w, k, pad), cpu.output(y), where + " forward");
            assertBits(backward(cpu.outputGradient(y), 15, h, w, k, pad), cpu.outputGradient(x), where + " backward");
        }
    }

    private static void assertBits(float[] want, float[] got, String where) {
        for (int i = 0; i < want.length; i++) {
            int at = i;
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                    () -> where + ": element " + at + " is " + got[at] + ", the plain loops give " + want[at]);
        }
    }

    private static float taps(int o, int n, int k, int pad) {
        return Math.min(o - pad + k, n) - Math.max(o - pad, 0);
    }

    private static float[] forward(float[] x, int planes, int h, int w, int k, int pad) {
        float[] y = columnSums(rowSums(x, planes, h, w, k, pad), planes, h, w, k, pad);
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    y[(p * h + i) * w + j] /= taps(i, h, k, pad) * taps(j, w, k, pad);
                }
            }
        }
        return y;
    }

    /** The input gradient, dx = R^T C^T (dy / taps), which for a centred window is the same window sums, columns first. */
    private static float[] backward(float[] dy, int planes, int h, int w, int k, int pad) {
        float[] share = dy.clone();
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    share[(p * h + i) * w + j] /= taps(i, h, k, pad) * taps(j, w, k, pad);
                }
            }
        }
        return rowSums(columnSums(share, planes, h, w, k, pad), planes, h, w, k, pad);
    }

    /** Each element's window sum along its row, from 0, taps left to right, in-bounds taps only. */
    private static float[] rowSums(float[] v, int planes, int h, int w, int k, int pad) {
        float[] out = new float[v.length];
        for (int r = 0; r < planes * h; r++) {
            for (int j = 0; j < w; j++) {
                float s = 0f;
                for (int t = 0; t < k; t++) {
                    int c = j + t - pad;
                    if (c >= 0 && c < w) {
                        s += v[r * w + c];
                    }
                }
                out[r * w + j] = s;
            }
        }
        return out;
    }

    /** As {@link #rowSums} down each column of each plane, top to bottom. */
    private static float[] columnSums(float[] v, int planes, int h, int w, int k, int pad) {
        float[] out = new float[v.length];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    float s = 0f;
                    for (int t = 0; t < k; t++) {
                        int r = i + t - pad;
                        if (r >= 0 && r < h) {
                            s += v[(p * h + r) * w + j];
                        }
                    }
                    out[(p * h + i) * w + j] = s;
                }
            }
        }
        return out;
    }
}
