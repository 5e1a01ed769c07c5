package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Op;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.Plan;
import java.util.Arrays;

/**
 * {@code torch.nn.BatchNorm2d} in training mode: per channel, mean and biased variance over
 * N*H*W (accumulated in double), y = (x - mean) / sqrt(var + eps) * gamma + beta. Saves mean and
 * 1/std for backward, which recomputes x-hat from the input:
 * dx += gamma/std * (dy - mean(dy) - xhat * mean(dy * xhat)). Split over channels; each thread sums
 * {@link StagedLoops#LANES} channels side by side.
 */
final class BatchNormStep extends Step {
    private final Shape s;
    private final boolean affine;
    private final float eps;
    /** Per thread, so that the passes allocate nothing. */
    private final Lanes[] lanes;

    /** One thread's lane operands and sums. */
    private static final class Lanes {
        final int[] x = new int[StagedLoops.LANES];
        final int[] dy = new int[StagedLoops.LANES];
        final double[] first = new double[StagedLoops.LANES];
        final double[] second = new double[StagedLoops.LANES];
        final double[] mean = new double[StagedLoops.LANES];
        final float[] meanF = new float[StagedLoops.LANES];
        final float[] invStd = new float[StagedLoops.LANES];
    }

    BatchNormStep(Plan plan, Node node, Memory m, int parts) {
        super(plan, node, m);
        s = node.shape();
        Op.BatchNorm op = (Op.BatchNorm) node.op();
        affine = op.affine();
        eps = op.eps();
        lanes = new Lanes[parts];
        for (int i = 0; i < parts; i++) {
            lanes[i] = new Lanes();
        }
    }

    @Override
    void forward(int part, int parts) {
        int plane = s.plane();
        int count = s.n() * plane;
        int saved = plan.saved[node.id()];
        Lanes l = lanes[part];
        int[] planes = l.x;
        double[] sum = l.first;
        double[] mean = l.mean;
        double[] sq = l.second;
        int c1 = hi(s.c(), part, parts);
        for (int c0 = lo(s.c(), part, parts); c0 < c1; c0 += StagedLoops.LANES) {
            Arrays.fill(sum, 0);
            Arrays.fill(sq, 0);
            for (int n = 0; n < s.n(); n++) {
                lanePlanes(planes, in(0), n, c0, c1);
                StagedLoops.sumLanes(a, planes, plane, sum);
            }
            for (int j = 0; j < StagedLoops.LANES; j++) {
                mean[j] = sum[j] / count;
            }
            for (int n = 0; n < s.n(); n++) {
                lanePlanes(planes, in(0), n, c0, c1);
                StagedLoops.squaredDeviationLanes(a, planes, plane, mean, sq);
            }
            for (int c = c0; c < Math.min(c1, c0 + StagedLoops.LANES); c++) {
                float invStd = (float) (1.0 / Math.sqrt(sq[c - c0] / count + eps));
                float m = (float) mean[c - c0];
                float gamma = affine ? p.get(param(0) + c) : 1f;
                float beta = affine ? p.get(param(1) + c) : 0f;
                a.put(saved + c, m);
                a.put(saved + s.c() + c, invStd);
                float scale = invStd * gamma;
                for (int n = 0; n < s.n(); n++) {
                    int at = n * s.perImage() + c * plane;
                    StagedLoops.normalize(a, in(0) + at, out() + at, plane, m, scale, beta);
                }
            }
        }
    }

    @Override
    void backward(int part, int parts) {
        int plane = s.plane();
        int count = s.n() * plane;
        int saved = plan.saved[node.id()];
        int dx = din(0);
        Lanes l = lanes[part];
        int[] planes = l.x;
        int[] gradPlanes = l.dy;
        float[] mean = l.meanF;
        float[] invStd = l.invStd;
        double[] sumDy = l.first;
        double[] sumDyXhat = l.second;
        int c1 = hi(s.c(), part, parts);
        for (int c0 = lo(s.c(), part, parts); c0 < c1; c0 += StagedLoops.LANES) {
            for (int j = 0; j < StagedLoops.LANES; j++) {
                int c = laneChannel(c0, j, c1);
                mean[j] = a.get(saved + c);
                invStd[j] = a.get(saved + s.c() + c);
            }
            Arrays.fill(sumDy, 0);
            Arrays.fill(sumDyXhat, 0);
            for (int n = 0; n < s.n(); n++) {
                lanePlanes(planes, in(0), n, c0, c1);
                lanePlanes(gradPlanes, dout(), n, c0, c1);
                StagedLoops.normalizeBackwardSumLanes(a, planes, gradPlanes, plane, mean, invStd, sumDy, sumDyXhat);
            }
            for (int c = c0; c < Math.min(c1, c0 + StagedLoops.LANES); c++) {
                float gamma = affine ? p.get(param(0) + c) : 1f;
                if (affine) {
                    g.put(param(0) + c, (float) sumDyXhat[c - c0]);
                    g.put(param(1) + c, (float) sumDy[c - c0]);
                }
                if (dx < 0) {
                    continue;
                }
                float meanDy = (float) (sumDy[c - c0] / count);
                float meanDyXhat = (float) (sumDyXhat[c - c0] / count);
                float k = gamma * invStd[c - c0];
                for (int n = 0; n < s.n(); n++) {
                    int at = n * s.perImage() + c * plane;
                    StagedLoops.normalizeBackward(a, in(0) + at, dout() + at, dx + at, plane, mean[c - c0], invStd[c - c0],
                            k, meanDy, meanDyXhat);
                }
            }
        }
    }

    /** Offsets of image n's planes of channels c0, c0 + 1, ... in tensor {@code base}, the last channel below c1 repeated to fill the lanes. */
    private void lanePlanes(int[] planes, int base, int n, int c0, int c1) {
        for (int j = 0; j < planes.length; j++) {
            planes[j] = base + n * s.perImage() + laneChannel(c0, j, c1) * s.plane();
        }
    }

    /** Lane j's channel: c0 + j, or the last channel below c1 where the lanes run past it. */
    private static int laneChannel(int c0, int j, int c1) {
        return Math.min(c0 + j, c1 - 1);
    }
}
