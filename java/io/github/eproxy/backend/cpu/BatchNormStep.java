package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Op;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.Plan;

/**
 * {@code torch.nn.BatchNorm2d} in training mode: per channel, mean and biased variance over
 * N*H*W (accumulated in double), y = (x - mean) / sqrt(var + eps) * gamma + beta. Saves mean and
 * 1/std for backward, which recomputes x-hat from the input:
 * dx += gamma/std * (dy - mean(dy) - xhat * mean(dy * xhat)). Split over channels.
 */
final class BatchNormStep extends Step {
    private final Shape s;
    private final boolean affine;
    private final float eps;

    BatchNormStep(Plan plan, Node node, Memory m) {
        super(plan, node, m);
        s = node.shape();
        Op.BatchNorm op = (Op.BatchNorm) node.op();
        affine = op.affine();
        eps = op.eps();
    }

    @Override
    void forward(int part, int parts) {
        int plane = s.plane();
        int count = s.n() * plane;
        int saved = plan.saved[node.id()];
        for (int c = lo(s.c(), part, parts); c < hi(s.c(), part, parts); c++) {
            double sum = 0;
            for (int n = 0; n < s.n(); n++) {
                sum = StagedLoops.sum(a, in(0) + n * s.perImage() + c * plane, plane, sum);
            }
            double mean = sum / count;
            double sq = 0;
            for (int n = 0; n < s.n(); n++) {
                sq = StagedLoops.squaredDeviation(a, in(0) + n * s.perImage() + c * plane, plane, mean, sq);
            }
            float invStd = (float) (1.0 / Math.sqrt(sq / count + eps));
            float m = (float) mean;
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

    @Override
    void backward(int part, int parts) {
        int plane = s.plane();
        int count = s.n() * plane;
        int saved = plan.saved[node.id()];
        int dx = din(0);
        double[] sums = new double[2];
        for (int c = lo(s.c(), part, parts); c < hi(s.c(), part, parts); c++) {
            float m = a.get(saved + c);
            float invStd = a.get(saved + s.c() + c);
            sums[0] = 0;
            sums[1] = 0;
            for (int n = 0; n < s.n(); n++) {
                int at = n * s.perImage() + c * plane;
                StagedLoops.normalizeBackwardSums(a, in(0) + at, dout() + at, plane, m, invStd, sums);
            }
            double sumDy = sums[0];
            double sumDyXhat = sums[1];
            float gamma = affine ? p.get(param(0) + c) : 1f;
            if (affine) {
                g.put(param(0) + c, (float) sumDyXhat);
                g.put(param(1) + c, (float) sumDy);
            }
            if (dx < 0) {
                continue;
            }
            float meanDy = (float) (sumDy / count);
            float meanDyXhat = (float) (sumDyXhat / count);
            float k = gamma * invStd;
            for (int n = 0; n < s.n(); n++) {
                int at = n * s.perImage() + c * plane;
                StagedLoops.normalizeBackward(a, in(0) + at, dout() + at, dx + at, plane, m, invStd, k, meanDy,
                        meanDyXhat);
            }
        }
    }
}
