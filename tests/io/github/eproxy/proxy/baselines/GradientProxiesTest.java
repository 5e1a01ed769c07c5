package io.github.eproxy.proxy.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eproxy.graph.Init;
import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.Nb101;
import io.github.eproxy.searchspace.Nb201;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The data-dependent baselines against their definitions, computed here in double by hand on a
 * network whose gradients have a closed form: an empty backbone under the classifier head, so the
 * logits are z = W f + b with f the per-channel image means. The proxies get there through the
 * CPU backend's float32 passes; they agree to 1e-4 relative (GraSP's finite-difference Hessian to 1%).
 */
class GradientProxiesTest {
    private static final EproxyConfig CONFIG = EproxyConfig.DEFAULT;
    private static final double RTOL = 1e-4;

    /** No backbone: the classifier pools the image itself. */
    private static final Architecture EMPTY = new Architecture() {
        @Override
        public String id() {
            return "empty";
        }

        @Override
        public int[] build(NetBuilder b) {
            return new int[] {b.input(), b.input(), b.input()};
        }
    };

    /** The linear classifier's quantities on a batch, in double. */
    private static final class Linear {
        final int n;
        final double[][] w = new double[10][3];
        final double[][] f;
        final double[][] z;
        final double[][] p;
        final double[][] t;
        final double[][] dw = new double[10][3];

        Linear(float[] images, int[] labels, int from, int count) {
            ClassifierNet net = new ClassifierNet(EMPTY, count, CONFIG.netInit(), true, false);
            float[] params = net.initialParams(CONFIG.seed());
            int wOff = net.offset(net.weights[0]);
            int bOff = net.offset(net.weights[0] + 1);
            n = count;
            f = new double[n][3];
            z = new double[n][10];
            p = new double[n][10];
            t = new double[n][10];
            for (int k = 0; k < 10; k++) {
                for (int c = 0; c < 3; c++) {
                    w[k][c] = params[wOff + k * 3 + c];
                }
            }
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 3; c++) {
                    double s = 0;
                    for (int px = 0; px < 1024; px++) {
                        s += images[((from + i) * 3 + c) * 1024 + px];
                    }
                    f[i][c] = s / 1024;
                }
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < 10; k++) {
                    z[i][k] = params[bOff + k] + w[k][0] * f[i][0] + w[k][1] * f[i][1] + w[k][2] * f[i][2];
                    max = Math.max(max, z[i][k]);
                }
                double sum = 0;
                for (int k = 0; k < 10; k++) {
                    sum += Math.exp(z[i][k] - max);
                }
                for (int k = 0; k < 10; k++) {
                    p[i][k] = Math.exp(z[i][k] - max) / sum;
                }
                t[i][labels[from + i]] = 1;
                for (int k = 0; k < 10; k++) {
                    for (int c = 0; c < 3; c++) {
                        dw[k][c] += (p[i][k] - t[i][k]) * f[i][c] / n;
                    }
                }
            }
        }

        /** H g for the cross-entropy Hessian in W: (1/N) sum_n (diag p - p p^T)(g f_n) f_n^T. */
        double[][] hessianTimes(double[][] g) {
            double[][] out = new double[10][3];
            for (int i = 0; i < n; i++) {
                double[] v = new double[10];
                double pv = 0;
                for (int k = 0; k < 10; k++) {
                    v[k] = g[k][0] * f[i][0] + g[k][1] * f[i][1] + g[k][2] * f[i][2];
                    pv += p[i][k] * v[k];
                }
                for (int k = 0; k < 10; k++) {
                    double s = p[i][k] * (v[k] - pv);
                    for (int c = 0; c < 3; c++) {
                        out[k][c] += s * f[i][c] / n;
                    }
                }
            }
            return out;
        }
    }

    private static Linear whole() {
        return new Linear(CONFIG.inputBatch(), CONFIG.inputLabels(), 0, CONFIG.batchSize());
    }

    private static void assertClose(double want, double got, double rtol, String what) {
        assertEquals(want, got, rtol * Math.abs(want), what);
    }

    @Test
    void gradNormSnipAndFisherMatchTheLinearClassifier() {
        Linear l = whole();
        double norm = 0;
        double snip = 0;
        for (int k = 0; k < 10; k++) {
            for (int c = 0; c < 3; c++) {
                norm += l.dw[k][c] * l.dw[k][c];
                snip += Math.abs(l.w[k][c] * l.dw[k][c]);
            }
        }
        assertClose(Math.sqrt(norm), new GradNorm(CONFIG).score(EMPTY), RTOL, "grad_norm");
        assertClose(snip, new Snip(CONFIG).score(EMPTY), RTOL, "snip");
        double fisher = 0;
        for (int k = 0; k < 10; k++) {
            double s = 0;
            for (int i = 0; i < l.n; i++) {
                double ag = l.z[i][k] * (l.p[i][k] - l.t[i][k]) / l.n;
                s += ag * ag;
            }
            fisher += 0.5 * s / l.n;
        }
        assertClose(fisher, new Fisher(CONFIG).score(EMPTY), RTOL, "fisher");
    }

    @Test
    void graspMatchesTheAnalyticHessianGradientProduct() {
        Linear l = whole();
        double[][] hg = l.hessianTimes(l.dw);
        double want = 0;
        for (int k = 0; k < 10; k++) {
            for (int c = 0; c < 3; c++) {
                want -= l.w[k][c] * hg[k][c];
            }
        }
        // A linear model has small, constant curvature: a larger step than the default keeps float32 rounding out
        assertClose(want, new Grasp(CONFIG, 1e-3).score(EMPTY), 1e-2, "grasp");
    }

    /** With the ReLUs frozen the net is smooth in its weights: the finite-difference Hessian converges. */
    @Test
    void graspDoesNotDependOnTheStepOnAnNb201Cell() {
        Architecture cell = new Nb201(4).parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|");
        double coarse = new Grasp(CONFIG, 1e-5).score(cell);
        double fine = new Grasp(CONFIG, 1e-6).score(cell);
        assertClose(fine, coarse, 1e-2, "grasp at steps 1e-5 and 1e-6");
        Architecture withMaxPool = new Nb101(16).parse("[[[0,1,0,1,0],[0,0,1,0,0],[0,0,0,0,1],[0,0,0,0,1],[0,0,0,0,0]],"
                + "[\"input\",\"conv3x3-bn-relu\",\"conv1x1-bn-relu\",\"maxpool3x3\",\"output\"]]");
        assertClose(new Grasp(CONFIG, 3e-6).score(withMaxPool), new Grasp(CONFIG, 1e-5).score(withMaxPool), 2e-2,
                "grasp at steps 1e-5 and 3e-6 with max pooling");
    }

    @Test
    void zicoComparesTheGradientsOfTheTwoHalves() {
        float[] images = CONFIG.inputBatch();
        int[] labels = CONFIG.inputLabels();
        int half = CONFIG.batchSize() / 2;
        Linear a = new Linear(images, labels, 0, half);
        Linear b = new Linear(images, labels, half, half);
        double sum = 0;
        for (int k = 0; k < 10; k++) {
            for (int c = 0; c < 3; c++) {
                double std = Math.abs(a.dw[k][c] - b.dw[k][c]) / 2;
                sum += (Math.abs(a.dw[k][c]) + Math.abs(b.dw[k][c])) / 2 / std;
            }
        }
        // the only layer is the linear one
        assertClose(Math.log(sum), new Zico(CONFIG).score(EMPTY), 1e-3, "zico");
    }

    /** A chain of {@code depth} 1x1 convolutions: R and every layer's sum of w dR/dw are equal, so the score is (depth + 1) R. */
    private static Architecture chain(int depth, int channels) {
        return new Architecture() {
            @Override
            public String id() {
                return "chain" + depth;
            }

            @Override
            public int[] build(NetBuilder b) {
                int x = b.input();
                for (int i = 0; i < depth; i++) {
                    x = b.conv(x, channels, 1, 1, 0, false);
                }
                return new int[] {x, x, x};
            }
        };
    }

    @Test
    void synflowIsExactBeyondTheFloatRange() {
        int depth = 70;
        int channels = 64;
        Architecture arch = chain(depth, channels);
        ClassifierNet net = new ClassifierNet(arch, 1, CONFIG.netInit(), false, true);
        float[] params = net.initialParams(CONFIG.seed());
        double[] a = {1, 1, 1};
        for (int layer = 0; layer <= depth; layer++) {
            int w = net.weights[layer];
            int out = net.net.params().get(w).dims()[0];
            double[] next = new double[out];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < a.length; i++) {
                    next[o] += Math.abs(params[net.offset(w) + o * a.length + i]) * a[i];
                }
            }
            a = next;
        }
        double r = 0;
        for (double v : a) {
            r += v;
        }
        assertTrue(r > 1e39, "the test must overflow float32 without scaling: R = " + r);
        assertClose((depth + 1) * r, new Synflow(CONFIG).score(arch), 1e-3, "synflow");
    }

    @Test
    void zenOfAnEmptyBackboneIsTheMixupDistance() {
        // f(x) - f(x + 0.01 e) = -0.01 e and no batch norm: log(0.01 * 3072 * E|e|), E|e| = sqrt(2 / pi)
        double want = Math.log(0.01 * 3072 * Math.sqrt(2 / Math.PI));
        assertEquals(want, new Zen(CONFIG).score(EMPTY), 0.02);
    }

    @Test
    void everyProxyScoresAnNb201CellDeterministically() {
        Architecture cell = new Nb201(4).parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|avg_pool_3x3~1|nor_conv_1x1~2|");
        for (ZeroCostProxy p : List.of(new GradNorm(CONFIG), new Snip(CONFIG), new Grasp(CONFIG), new Fisher(CONFIG),
                new Synflow(CONFIG), new Zen(CONFIG), new Zico(CONFIG))) {
            double s = p.score(cell);
            assertTrue(Double.isFinite(s), p.name() + " " + s);
            assertEquals(s, p.score(cell), p.name() + " is deterministic");
        }
        assertEquals(Init.STANDARD_NORMAL, Init.parse("standard_normal"));
    }
}
