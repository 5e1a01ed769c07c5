package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.Net;
import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Op;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.Plan;
import io.github.eproxy.plan.Workspace;

/**
 * {@code torch.nn.Conv2d} through sgemm. Each thread takes its share of the images in blocks of
 * about 512 output pixels and, per group, unfolds a block side by side (im2col) so that one
 * product serves it:
 * Y = W * [cols_1 .. cols_b], then scattered into NCHW. Backward, per group: dy is gathered the
 * same way and dW = dy * cols^T (a private buffer per thread, reduced in part order, so results do
 * not depend on timing); the input gradient is, for stride 1, a convolution of dy with the
 * flipped, transposed kernel W' (padding d(k-1) - p): dx += W' * im2col(dy); otherwise
 * dx += col2im(W^T * dy). 1x1 stride-1 convolutions multiply each image directly.
 */
final class ConvStep extends Step {
    private final Op.Conv2d op;
    private final Shape x;
    private final Shape y;
    /** Per part (the unfoldings keep per-thread scratch). */
    private final Im2col[] im2col;
    private final Im2col[] dyIm2col;
    /** Stride-1 input gradient as a convolution of dy with the flipped kernel (else col2im). */
    private final boolean transposed;
    private final boolean pointwise;
    private final int groups;
    private final int inPerGroup;
    private final int outPerGroup;
    private final int kdim;
    private final int dyRows;
    private final int images;
    private final int cols;
    private final int weightSize;
    private final int fwdPerThread;
    private final int bwdPerThread;
    private final Gemm[] gemm;

    ConvStep(Plan plan, Node node, Memory m, int parts) {
        super(plan, node, m);
        Net net = plan.net;
        op = (Op.Conv2d) node.op();
        x = net.node(node.input(0)).shape();
        y = node.shape();
        groups = op.groups();
        outPerGroup = op.outChannels() / groups;
        inPerGroup = x.c() / groups;
        kdim = inPerGroup * op.kernel() * op.kernel();
        dyRows = outPerGroup * op.kernel() * op.kernel();
        pointwise = Workspace.isPointwise(op);
        cols = pointwise ? 0 : Workspace.columns(net, node);
        weightSize = net.params().get(node.params()[0]).numel();
        images = Workspace.imagesPerBlock(net, node, parts);
        fwdPerThread = Workspace.forwardPerThread(net, node, parts);
        bwdPerThread = Workspace.backwardPerThread(net, node, parts);
        transposed = Workspace.transposedData(op);
        im2col = new Im2col[parts];
        dyIm2col = new Im2col[parts];
        gemm = new Gemm[parts];
        for (int i = 0; i < parts; i++) {
            im2col[i] = new Im2col(inPerGroup, x.h(), x.w(), op.kernel(), op.stride(), op.padding(), op.dilation(), y.h(),
                    y.w());
            dyIm2col[i] = transposed ? new Im2col(outPerGroup, y.h(), y.w(), op.kernel(), 1,
                    op.dilation() * (op.kernel() - 1) - op.padding(), op.dilation(), x.h(), x.w()) : null;
            gemm[i] = new Gemm(m);
        }
    }

    /** Arena offset of image n's group gi in tensor {@code base} of the given shape. */
    private static int at(int base, Shape s, int n, int channelsPerGroup, int gi) {
        return base + n * s.perImage() + gi * channelsPerGroup * s.plane();
    }

    @Override
    void forward(int part, int parts) {
        Gemm mm = gemm[part];
        int n0 = lo(x.n(), part, parts);
        int n1 = hi(x.n(), part, parts);
        int w = param(0);
        if (pointwise) {
            for (int n = n0; n < n1; n++) {
                mm.sgemm(false, false, y.c(), y.plane(), kdim, 1f, true, w, at(in(0), x, n, 0, 0), 0f, at(out(), y, n, 0, 0));
            }
        } else {
            for (int b0 = n0; b0 < n1; b0 += images) {
                forwardBlock(mm, part, b0, Math.min(n1, b0 + images));
            }
        }
        if (op.bias()) {
            int bias = param(1);
            for (int n = n0; n < n1; n++) {
                for (int c = 0; c < y.c(); c++) {
                    StagedLoops.addConstant(a, at(out(), y, n, 0, 0) + c * y.plane(), y.plane(), p.get(bias + c));
                }
            }
        }
    }

    private void forwardBlock(Gemm mm, int part, int n0, int n1) {
        int ld = (n1 - n0) * y.plane();
        int colsAll = plan.fwdWorkspace[node.id()] + part * fwdPerThread;
        int yAll = colsAll + images * cols;
        for (int gi = 0; gi < groups; gi++) {
            im2col[part].unfold(a, at(in(0), x, n0, inPerGroup, gi), x.perImage(), n1 - n0, a, colsAll, ld);
            mm.sgemm(false, false, outPerGroup, ld, kdim, 1f, true, param(0) + gi * outPerGroup * kdim, colsAll, 0f, yAll);
            for (int n = n0; n < n1; n++) {
                for (int c = 0; c < outPerGroup; c++) {
                    a.copy(a, yAll + c * ld + (n - n0) * y.plane(), at(out(), y, n, outPerGroup, gi) + c * y.plane(), y.plane());
                }
            }
        }
    }

    @Override
    void backward(int part, int parts) {
        Gemm mm = gemm[part];
        int n0 = lo(x.n(), part, parts);
        int n1 = hi(x.n(), part, parts);
        boolean dWeight = trainable(0);
        int dx = din(0);
        int dw = partialWeightGradient(part);
        if (dWeight) {
            a.zero(dw, weightSize);
        }
        int w = param(0);
        if (pointwise) {
            for (int n = n0; n < n1; n++) {
                int dy = at(dout(), y, n, 0, 0);
                if (dWeight) {
                    mm.sgemm(false, true, y.c(), kdim, y.plane(), 1f, false, dy, at(in(0), x, n, 0, 0), 1f, dw);
                }
                if (dx >= 0) {
                    mm.sgemm(true, false, kdim, y.plane(), y.c(), 1f, true, w, dy, 1f, at(dx, x, n, 0, 0));
                }
            }
            return;
        }
        if (dx >= 0 && transposed) {
            flipKernel(dw + weightSize);
        }
        for (int b0 = n0; b0 < n1; b0 += images) {
            backwardBlock(mm, part, b0, Math.min(n1, b0 + images), dWeight, dx, dw);
        }
    }

    private void backwardBlock(Gemm mm, int part, int n0, int n1, boolean dWeight, int dx, int dw) {
        int w = param(0);
        int ld = (n1 - n0) * y.plane();
        int ldIn = (n1 - n0) * x.plane();
        int colsAll = plan.bwdWorkspace[node.id()] + part * bwdPerThread;
        int dataAll = colsAll + images * cols;
        int dyAll = dataAll + (transposed ? images * Workspace.dataColumns(plan.net, node) : 0);
        int flipped = dw + weightSize;
        for (int gi = 0; gi < groups; gi++) {
            for (int n = n0; n < n1; n++) {
                for (int c = 0; c < outPerGroup; c++) {
                    a.copy(a, at(dout(), y, n, outPerGroup, gi) + c * y.plane(), dyAll + c * ld + (n - n0) * y.plane(), y.plane());
                }
            }
            if (dWeight) {
                im2col[part].unfold(a, at(in(0), x, n0, inPerGroup, gi), x.perImage(), n1 - n0, a, colsAll, ld);
                // dW_g[outPerGroup, kdim] += dy[outPerGroup, b*plane] * cols^T[b*plane, kdim]
                mm.sgemm(false, true, outPerGroup, kdim, ld, 1f, false, dyAll, colsAll, 1f, dw + gi * outPerGroup * kdim);
            }
            if (dx < 0) {
                continue;
            }
            if (transposed) {
                dyIm2col[part].unfold(a, at(dout(), y, n0, outPerGroup, gi), y.perImage(), n1 - n0, a, dataAll, ldIn);
                // dx_g[inPerGroup, b*inPlane] = W'_g * im2col(dy); the product lands in colsAll, then adds into dx
                mm.sgemm(false, false, inPerGroup, ldIn, dyRows, 1f, false, flipped + gi * inPerGroup * dyRows, dataAll, 0f, colsAll);
                for (int n = n0; n < n1; n++) {
                    for (int c = 0; c < inPerGroup; c++) {
                        StagedLoops.accumulate(a, at(dx, x, n, inPerGroup, gi) + c * x.plane(), colsAll + c * ldIn + (n - n0) * x.plane(), x.plane());
                    }
                }
            } else {
                mm.sgemm(true, false, kdim, ld, outPerGroup, 1f, true, w + gi * outPerGroup * kdim, dyAll, 0f, colsAll);
                for (int n = n0; n < n1; n++) {
                    im2col[part].foldAdd(a, colsAll + (n - n0) * y.plane(), ld, a, at(dx, x, n, inPerGroup, gi));
                }
            }
        }
    }

    /** W'[g][ci][(co*k + i)*k + j] = W[g*outPerGroup + co][ci][k-1-i][k-1-j]. */
    private void flipKernel(int dst) {
        int k = op.kernel();
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

    /** Arena offset of thread {@code part}'s private weight gradient (the flipped kernel follows it). */
    private int partialWeightGradient(int part) {
        return plan.bwdWorkspace[node.id()] + part * bwdPerThread + (pointwise ? 0 : bwdPerThread - 2 * weightSize);
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
                    s = StagedLoops.sum(a, dout() + n * y.perImage() + c * plane, plane, s);
                }
                g.put(db + c, (float) s);
            }
        }
    }
}
