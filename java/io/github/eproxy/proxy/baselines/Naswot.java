package io.github.eproxy.proxy.baselines;

import io.github.eproxy.backend.BackendPool;
import io.github.eproxy.backend.SgdSettings;
import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.graph.Net;
import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Op;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.ParamInit;
import io.github.eproxy.plan.Plan;
import io.github.eproxy.plan.Planner;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.searchspace.Architecture;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * NASWOT (Mellor et al., "Neural Architecture Search without Training", ICML 2021, Eq. 2): one
 * forward pass of the untrained backbone over the image batch; each image's binary code marks
 * which ReLU units are active; K[i][j] = N_A - Hamming(c_i, c_j) over all N_A units; the score is
 * log|det K|, higher is better. A net whose codes coincide for two images (K singular, e.g. an
 * input-independent net) scores negative infinity.
 */
public final class Naswot extends PooledProxy {
    private final float[] images;
    private final int batch;
    private final long seed;

    /** On the image batch of {@code config}, with its network initialisation seed. */
    public Naswot(EproxyConfig config) {
        this(config, ownCpuPool(), true);
    }

    /** On {@code engines}' backends (the caller closes the pool). */
    public Naswot(EproxyConfig config, BackendPool engines) {
        this(config, engines, false);
    }

    private Naswot(EproxyConfig config, BackendPool engines, boolean ownsEngines) {
        super(engines, ownsEngines);
        this.images = config.inputBatch();
        this.batch = config.batchSize();
        this.seed = config.seed();
    }

    @Override
    public String name() {
        return "naswot";
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public double score(Architecture arch) {
        NetBuilder b = new NetBuilder(new Shape(batch, 3, 32, 32));
        int out = arch.build(b)[0];
        b.mseLoss(out, 0, 1);
        Net net = b.build();
        Plan plan = new Planner(1, false).plan(net);
        long[] distance = new long[batch * batch];
        long units = engines.apply(backend -> {
            float[][] targets = {new float[net.node(out).shape().numel()]};
            // One iteration: the forward pass only (the last iteration never updates).
            backend.train(new TrainingRun(plan, ParamInit.initialValues(plan, seed), images, targets, new SgdSettings(1f, 0f, 0f), 1));
            long count = 0;
            for (int id : plan.forward) {
                Node n = plan.node(id);
                if (n.op() instanceof Op.Relu) {
                    count += n.shape().perImage();
                    addHamming(backend.output(id), n.shape().perImage(), distance);
                }
            }
            return count;
        });
        double[][] k = new double[batch][batch];
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < batch; j++) {
                k[i][j] = units - distance[i * batch + j];
            }
        }
        return logAbsDet(new Array2DRowRealMatrix(k, false));
    }

    /** Adds, for every pair of images, the number of units active in exactly one of them. */
    static void addHamming(float[] act, int perImage, long[] distance) {
        int batch = act.length / perImage;
        int words = (perImage + 63) / 64;
        long[][] codes = new long[batch][words];
        for (int i = 0; i < batch; i++) {
            for (int u = 0; u < perImage; u++) {
                if (act[i * perImage + u] > 0) {
                    codes[i][u >>> 6] |= 1L << (u & 63);
                }
            }
        }
        for (int i = 0; i < batch; i++) {
            for (int j = i + 1; j < batch; j++) {
                long d = 0;
                for (int w = 0; w < words; w++) {
                    d += Long.bitCount(codes[i][w] ^ codes[j][w]);
                }
                distance[i * batch + j] += d;
                distance[j * batch + i] += d;
            }
        }
    }

    /** log|det m| from the LU pivots (no overflow for large entries); negative infinity when singular. */
    static double logAbsDet(RealMatrix m) {
        RealMatrix u = new LUDecomposition(m, 0).getU();
        double sum = 0;
        for (int i = 0; i < m.getRowDimension(); i++) {
            double d = Math.abs(u.getEntry(i, i));
            if (d == 0) {
                return Double.NEGATIVE_INFINITY;
            }
            sum += Math.log(d);
        }
        return sum;
    }
}
