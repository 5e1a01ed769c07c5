package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Node;
import io.github.eproxy.plan.Plan;

/**
 * Softmax cross-entropy over the K channels of [N, K, 1, 1] logits against soft targets t, mean over
 * the batch: L = -(1/N) sum_n sum_k t[n][k] log p[n][k], p = softmax(y[n]) (max-shifted, in double).
 * dy[n][k] += (p[n][k] * sum_j t[n][j] - t[n][k]) / N, which is (p - t) / N for one-hot targets.
 */
final class CrossEntropyStep extends LossStep {
    private final int batch;
    private final int classes;

    CrossEntropyStep(Plan plan, Node node, Memory m) {
        super(plan, node, m);
        batch = plan.net.node(node.input(0)).shape().n();
        classes = size / batch;
    }

    @Override
    double value(int x) {
        double s = 0;
        for (int n = 0; n < batch; n++) {
            int row = n * classes;
            double logSum = logSumExp(x + row);
            for (int k = 0; k < classes; k++) {
                s -= a.get(target + row + k) * (a.get(x + row + k) - logSum);
            }
        }
        return s / batch;
    }

    private double logSumExp(int at) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            max = Math.max(max, a.get(at + k));
        }
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            sum += Math.exp(a.get(at + k) - max);
        }
        return max + Math.log(sum);
    }

    @Override
    void backward(int part, int parts) {
        int dx = din(0);
        if (dx < 0) {
            return;
        }
        int x = in(0);
        for (int n = lo(batch, part, parts); n < hi(batch, part, parts); n++) {
            int row = n * classes;
            double logSum = logSumExp(x + row);
            double mass = 0;
            for (int k = 0; k < classes; k++) {
                mass += a.get(target + row + k);
            }
            for (int k = 0; k < classes; k++) {
                double p = Math.exp(a.get(x + row + k) - logSum);
                int i = dx + row + k;
                a.put(i, a.get(i) + (float) ((p * mass - a.get(target + row + k)) / batch));
            }
        }
    }
}
