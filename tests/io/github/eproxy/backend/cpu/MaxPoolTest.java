package io.github.eproxy.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.eproxy.backend.SgdSettings;
import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.Plan;
import io.github.eproxy.plan.Planner;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Max pooling (NAS-Bench-101's {@code maxpool3x3}: stride 1, centred windows; its 2x2 stride-2
 * down-sampling; and strided windows with padding) against PyTorch's rule, bit for bit: the first
 * in-bounds tap in row-major order, replaced by any later tap that is greater or NaN; backward adds
 * each output's gradient to its chosen input in output order. The
 * inputs are full of ties (few distinct values, +0 and -0) so that the order of the scan decides;
 * a second input adds infinities and NaNs (forward only: they make the gradients infinite or NaN).
 */
class MaxPoolTest {
    private static final float[] VALUES = {-1f, -0f, 0f, 0.5f, 2f};
    private static final float[] SPECIAL = {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};

    @Test
    void maxPoolingFollowsTheWindowRuleBitForBit() {
        Random r = new Random(9);
        // kernel, stride, padding
        int[][] windows = {{1, 1, 0}, {3, 1, 1}, {5, 1, 2}, {2, 2, 0}, {3, 2, 1}, {3, 3, 0}};
        for (int[] kp : windows) {
            for (int[] hw : new int[][] {{1, 1}, {2, 3}, {8, 8}, {5, 9}, {32, 32}, {48, 50}}) {
                if (hw[0] + 2 * kp[2] < kp[0] || hw[1] + 2 * kp[2] < kp[0]) {
                    continue;
                }
                for (int threads : new int[] {1, 2}) {
                    check(r, kp[0], kp[1], kp[2], hw[0], hw[1], threads, false);
                    check(r, kp[0], kp[1], kp[2], hw[0], hw[1], threads, true);
                }
            }
        }
    }

    /**
     * input -> depthwise 1x1 convolution with weight 1 (an exact copy that gives the pool's input a
     * gradient) -> max pool -> 1x1 convolution -> MSE. All parameters 1.
     */
    private static void check(Random r, int k, int stride, int pad, int h, int w, int threads, boolean special) {
        int outH = (h + 2 * pad - k) / stride + 1;
        int outW = (w + 2 * pad - k) / stride + 1;
        int channels = 3;
        NetBuilder b = new NetBuilder(new Shape(2, channels, h, w));
        int x = b.conv(b.input(), channels, 1, 1, 0, 1, channels, false);
        int y = b.maxPool(x, k, stride, pad);
        b.mseLoss(b.conv(y, 2, 1, 1, 0, false), 0, 1);
        Plan plan = new Planner(threads, false).plan(b.build());
        float[] params = new float[plan.paramSize];
        Arrays.fill(params, 1f);
        float[] input = new float[2 * channels * h * w];
        for (int i = 0; i < input.length; i++) {
            input[i] = special && r.nextInt(8) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : VALUES[r.nextInt(VALUES.length)];
        }
        float[][] target = {new float[2 * 2 * outH * outW]};
        for (int i = 0; i < target[0].length; i++) {
            target[0][i] = r.nextFloat();
        }
        try (CpuBackend cpu = new CpuBackend(threads)) {
            cpu.gradients(new TrainingRun(plan, params, input, target, new SgdSettings(0.1f, 0f, 0f), 1));
            String where = "k" + k + " s" + stride + " p" + pad + " " + h + "x" + w + " threads " + threads + (special ? " with NaNs and infinities" : "");
            float[] in = cpu.output(x);
            int[] choice = choices(in, 2 * channels, h, w, k, stride, pad, outH, outW);
            float[] want = new float[choice.length];
            for (int i = 0; i < want.length; i++) {
                want[i] = in[choice[i]];
            }
            assertBits(want, cpu.output(y), where + " forward");
            if (!special) {
                float[] dy = cpu.outputGradient(y);
                float[] dx = new float[in.length];
                for (int i = 0; i < dy.length; i++) {
                    dx[choice[i]] += dy[i];
                }
                assertBits(dx, cpu.outputGradient(x), where + " backward");
            }
        }
    }

    /** Per output, the index of the input the window rule chooses. */
    private static int[] choices(float[] in, int planes, int h, int w, int k, int stride, int pad, int outH, int outW) {
        int[] choice = new int[planes * outH * outW];
        for (int p = 0; p < planes; p++) {
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    int best = -1;
                    for (int ih = Math.max(0, oh * stride - pad); ih < Math.min(h, oh * stride - pad + k); ih++) {
                        for (int iw = Math.max(0, ow * stride - pad); iw < Math.min(w, ow * stride - pad + k); iw++) {
                            int i = (p * h + ih) * w + iw;
                            if (best < 0 || in[i] > in[best] || Float.isNaN(in[i])) {
                                best = i;
                            }
                        }
                    }
                    choice[(p * outH + oh) * outW + ow] = best;
                }
            }
        }
        return choice;
    }

    private static void assertBits(float[] want, float[] got, String where) {
        for (int i = 0; i < want.length; i++) {
            int at = i;
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]),
                    () -> where + ": element " + at + " is " + got[at] + ", the window rule gives " + want[at]);
        }
    }
}
