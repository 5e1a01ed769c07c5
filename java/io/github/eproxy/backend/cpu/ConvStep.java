package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Net;
import io.github.eproxy.graph.Op;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.graph.Node;
import io.github.eproxy.plan.Plan;
import io.github.eproxy.plan.Workspace;

/**
 * {@code torch.nn.Conv2d}: per image and group, y = W * im2col(x) (+ bias) through sgemm; 1x1
 * stride-1 convolutions multiply the image directly. Backward: dW = sum over images of
 * dy * cols^T (each thread sums its images into a private buffer, reduced in part order, so
 * results do not depend on timing). Input gradient: for stride 1, dx += W' * im2col(dy), a
 * convolution of dy with the flipped, transposed kernel W' (padding d(k-1) - p); otherwise
 * dx += col2im(W^T * dy).
 */
final class ConvStep extends Step {
    private final Op.Conv2d op;
    private final Shape x;
    private final Shape y;
    private final Im2col im2col;
    private final Im2col dyIm2col;
    private final boolean pointwise;
    private final int perThread;
    private final int groups;
    private final int outPerGroup;
    private final int kdim;
    private final int cols;
    private final int weightSize;
    private final Gemm[] gemm;

    ConvStep(Plan plan, Node node, Memory m, int parts) {
        super(plan, node, m);
        Net net = plan.net;
        op = (Op.Conv2d) node.op();
        x = net.node(node.input(0)).shape();
        y = node.shape();
        groups = op.groups();
        outPerGroup = op.outChannels() / groups;
        int inPerGroup = x.c() / groups;
        kdim = inPerGroup * op.kernel() * op.kernel();
        pointwise = Workspace.isPointwise(op);
        cols = pointwise ? 0 : Workspace.columns(net, node);
        weightSize = net.params().get(node.params()[0]).numel();
        im2col = new Im2col(inPerGroup, x.h(), x.w(), op.kernel(), op.stride(), op.padding(), op.dilation(), y.h(), y.w());
        dyIm2col = Workspace.transposedData(op) ? new Im2col(outPerGroup, y.h(), y.w(), op.kernel(), 1,
                op.dilation() * (op.kernel() - 1) - op.padding(), op.dilation(), x.h(), x.w()) : null;
        perThread = Workspace.backwardPerThread(net, node);
        gemm = new Gemm[parts];
        for (int i = 0; i < parts; i++) {
            gemm[i] = new Gemm(m);
        }
    }

    @Override
    void forward(int part, int parts) {
        Gemm mm = gemm[part];
        int plane = y.plane();
        int ws = plan.fwdWorkspace[node.id()] + part * cols;
        int w = param(0);
        for (int n = lo(x.n(), part, parts); n < hi(x.n(), part, parts); n++) {
            for (int gi = 0; gi < groups; gi++) {
                int src = in(0) + n * x.perImage() + gi * im2col.channels * x.plane();
                int dst = out() + n * y.perImage() + gi * outPerGroup * plane;
                int b = src;
                if (!pointwise) {
                    im2col.unfold(a, src, a, ws);
                    b = ws;
                }
                mm.sgemm(false, false, outPerGroup, plane, kdim, 1f, true, w + gi * outPerGroup * kdim, b, 0f, dst);
            }
            if (op.bias()) {
                int bias = param(1);
                for (int c = 0; c < y.c(); c++) {
                    float v = p.get(bias + c);
                    int o = out() + n * y.perImage() + c * plane;
                    for (int i = 0; i < plane; i++) {
                        a.put(o + i, a.get(o + i) + v);
                    }
                }
            }
        }
    }

    @Override
    void backward(int part, int parts) {
        Gemm mm = gemm[part];
        int plane = y.plane();
        boolean dWeight = trainable(0);
        int dx = din(0);
        int colBuf = plan.bwdWorkspace[node.id()] + part * perThread;
        int dcolBuf = colBuf + cols;
        int dw = partialWeightGradient(part);
        int flipped = dw + weightSize;
        if (dWeight) {
            a.zero(dw, weightSize);
        }
        if (dx >= 0 && dyIm2col != null) {
            flipKernel(flipped);
        }
        int w = param(0);
        int dyRows = outPerGroup * op.kernel() * op.kernel();
        for (int n = lo(x.n(), part, parts); n < hi(x.n(), part, parts); n++) {
            for (int gi = 0; gi < groups; gi++) {
                int src = in(0) + n * x.perImage() + gi * im2col.channels * x.plane();
                int dy = dout() + n * y.perImage() + gi * outPerGroup * plane;
                int wg = w + gi * outPerGroup * kdim;
                if (dWeight) {
                    int b = src;
                    if (!pointwise) {
                        im2col.unfold(a, src, a, colBuf);
                        b = colBuf;
                    }
                    // dW_g[outPerGroup, kdim] += dy[outPerGroup, plane] * cols^T[plane, kdim]
                    mm.sgemm(false, true, outPerGroup, kdim, plane, 1f, false, dy, b, 1f, dw + gi * outPerGroup * kdim);
                }
                if (dx < 0) {
                    continue;
                }
                int dsrc = dx + n * x.perImage() + gi * im2col.channels * x.plane();
                if (pointwise) {
                    mm.sgemm(true, false, kdim, plane, outPerGroup, 1f, true, wg, dy, 1f, dsrc);
                } else if (dyIm2col != null) {
                    dyIm2col.unfold(a, dy, a, dcolBuf);
                    mm.sgemm(false, false, im2col.channels, x.plane(), dyRows, 1f, false,
                            flipped + gi * im2col.channels * dyRows, dcolBuf, 1f, dsrc);
                } else {
                    mm.sgemm(true, false, kdim, plane, outPerGroup, 1f, true, wg, dy, 0f, dcolBuf);
                    im2col.foldAdd(a, dcolBuf, a, dsrc);
                }
            }
        }
    }

    /** W'[g][ci][(co*k + i)*k + j] = W[g*outPerGroup + co][ci][k-1-i][k-1-j]. */
    private void flipKernel(int dst) {
        int k = op.kernel();
        int inPerGroup = im2col.channels;
        int w = param(0);
        for (int gi = 0; gi < groups; gi++) {
            for (int co = 0; co < outPerGroup; co++) {
                for (int ci = 0; ci < inPerGroup; ci++) {
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < k; j++) {
                            int from = w + (((gi * outPerGroup + co) * inPerGroup + ci) * k + (k - 1 - i)) * k + (k - 1 - j);
                            int to = dst + ((gi * inPerGroup + ci) * outPerGroup + co) * k * k + i * k + j;
                            a.put(to, p.get(from));
                        }
                    }
                }
            }
        }
    }

    /** Arena offset of thread {@code part}'s private weight gradient. */
    private int partialWeightGradient(int part) {
        return plan.bwdWorkspace[node.id()] + part * perThread + (pointwise ? 0 : perThread - 2 * weightSize);
    }

    @Override
    void afterBackward() {
        if (trainable(0)) {
            int dw = param(0);
            for (int i = 0; i < weightSize; i++) {
                float s = 0f;
                for (int part = 0; part < gemm.length; part++) {
                    s += a.get(partialWeightGradient(part) + i);
                }
                g.put(dw + i, s);
            }
        }
        if (op.bias() && trainable(1)) {
            int db = param(1);
            int plane = y.plane();
            for (int c = 0; c < y.c(); c++) {
                double s = 0;
                for (int n = 0; n < y.n(); n++) {
                    int o = dout() + n * y.perImage() + c * plane;
                    for (int i = 0; i < plane; i++) {
                        s += a.get(o + i);
                    }
                }
                g.put(db + c, (float) s);
            }
        }
    }
}
