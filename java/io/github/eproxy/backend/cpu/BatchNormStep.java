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
                int o = in(0) + n * s.perImage() + c * plane;
                for (int i = 0; i < plane; i++) {
                    sum += a.get(o + i);
                }
            }
            double mean = sum / count;
            double sq = 0;
            for (int n = 0; n < s.n(); n++) {
                int o = in(0) + n * s.perImage() + c * plane;
                for (int i = 0; i < plane; i++) {
                    double d = a.get(o + i) - mean;
                    sq += d * d;
                }
            }
            float invStd = (float) (1.0 / Math.sqrt(sq / count + eps));
            float m = (float) mean;
            float gamma = affine ? p.get(param(0) + c) : 1f;
            float beta = affine ? p.get(param(1) + c) : 0f;
            a.put(saved + c, m);
            a.put(saved + s.c() + c, invStd);
            float scale = invStd * gamma;
            for (int n = 0; n < s.n(); n++) {
                int src = in(0) + n * s.perImage() + c * plane;
                int dst = out() + n * s.perImage() + c * plane;
                for (int i = 0; i < plane; i++) {
                    a.put(dst + i, (a.get(src + i) - m) * scale + beta);
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
        for (int c = lo(s.c(), part, parts); c < hi(s.c(), part, parts); c++) {
            float m = a.get(saved + c);
            float invStd = a.get(saved + s.c() + c);
            double sumDy = 0;
            double sumDyXhat = 0;
            for (int n = 0; n < s.n(); n++) {
                int xo = in(0) + n * s.perImage() + c * plane;
                int go = dout() + n * s.perImage() + c * plane;
                for (int i = 0; i < plane; i++) {
                    float dy = a.get(go + i);
                    sumDy += dy;
                    sumDyXhat += dy * ((a.get(xo + i) - m) * invStd);
                }
            }
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
                int xo = in(0) + n * s.perImage() + c * plane;
                int go = dout() + n * s.perImage() + c * plane;
                int d = dx + n * s.perImage() + c * plane;
                for (int i = 0; i < plane; i++) {
                    float xhat = (a.get(xo + i) - m) * invStd;
                    a.put(d + i, a.get(d + i) + k * (a.get(go + i) - meanDy - xhat * meanDyXhat));
                }
            }
        }
    }
}
