package io.github.eproxy.graph;

/** Output shapes of every op, with errors that name the op, the node and the input shapes. */
final class ShapeInference {
    private ShapeInference() {
    }

    static Shape infer(Op op, Shape[] in, int id) {
        String where = "node " + id + " (" + op.kind() + ")";
        boolean nary = op instanceof Op.Add || op instanceof Op.Concat;
        if (!nary && in.length != 1) {
            throw new GraphException(where + ": takes 1 input, got " + in.length);
        }
        if (nary && in.length < 2) {
            throw new GraphException(where + ": takes 2 or more inputs, got " + in.length);
        }
        Shape x = in[0];
        if (op instanceof Op.Conv2d c) {
            return conv(c, x, where);
        }
        if (op instanceof Op.AvgPool p) {
            return window(p.kernel(), p.stride(), p.padding(), 1, x, where);
        }
        if (op instanceof Op.MaxPool p) {
            return window(p.kernel(), p.stride(), p.padding(), 1, x, where);
        }
        if (op instanceof Op.Add) {
            for (Shape s : in) {
                if (!s.equals(x)) {
                    throw new GraphException(where + ": inputs must have equal shapes, got " + shapes(in));
                }
            }
            return x;
        }
        if (op instanceof Op.Concat) {
            int channels = 0;
            for (Shape s : in) {
                if (s.n() != x.n() || s.h() != x.h() || s.w() != x.w()) {
                    throw new GraphException(where + ": inputs must agree in N, H and W, got " + shapes(in));
                }
                channels += s.c();
            }
            return x.withChannels(channels);
        }
        if (op instanceof Op.Slice s) {
            if (s.channels() <= 0 || s.channels() > x.c()) {
                throw new GraphException(where + ": cannot take " + s.channels() + " channels of " + x);
            }
            return x.withChannels(s.channels());
        }
        if (op instanceof Op.Resize r) {
            if (r.height() <= 0 || r.width() <= 0) {
                throw new GraphException(where + ": target size must be positive, got " + r.height() + "x" + r.width());
            }
            return new Shape(x.n(), x.c(), r.height(), r.width());
        }
        if (op instanceof Op.Loss m) {
            if (m.target() < 0) {
                throw new GraphException(where + ": target index must be >= 0, got " + m.target());
            }
            if (op instanceof Op.CrossEntropyLoss && (x.h() != 1 || x.w() != 1)) {
                throw new GraphException(where + ": cross-entropy needs logits shaped [N, classes, 1, 1], got " + x);
            }
            return new Shape(1, 1, 1, 1);
        }
        if (op instanceof Op.Input) {
            throw new GraphException(where + ": the input op cannot be added");
        }
        return x; // batch norm, relu, zero, identity
    }

    private static Shape conv(Op.Conv2d c, Shape x, String where) {
        if (c.outChannels() <= 0 || c.groups() <= 0) {
            throw new GraphException(where + ": out channels and groups must be positive, got " + c);
        }
        if (x.c() % c.groups() != 0 || c.outChannels() % c.groups() != 0) {
            throw new GraphException(where + ": " + c.groups() + " groups must divide input channels " + x.c()
                    + " and output channels " + c.outChannels() + " (input " + x + ")");
        }
        return window(c.kernel(), c.stride(), c.padding(), c.dilation(), x, where).withChannels(c.outChannels());
    }

    private static Shape window(int k, int stride, int pad, int dilation, Shape x, String where) {
        if (k <= 0 || stride <= 0 || pad < 0 || dilation <= 0) {
            throw new GraphException(where + ": kernel " + k + ", stride " + stride + ", padding " + pad
                    + " and dilation " + dilation + " are not valid");
        }
        int span = dilation * (k - 1) + 1;
        if (x.h() + 2 * pad < span || x.w() + 2 * pad < span) {
            throw new GraphException(where + ": kernel " + k + " (dilation " + dilation + ") does not fit input "
                    + x + " with padding " + pad);
        }
        int h = (x.h() + 2 * pad - span) / stride + 1;
        int w = (x.w() + 2 * pad - span) / stride + 1;
        return new Shape(x.n(), x.c(), h, w);
    }

    private static String shapes(Shape[] in) {
        StringBuilder b = new StringBuilder();
        for (Shape s : in) {
            b.append(b.length() == 0 ? "" : ", ").append(s);
        }
        return "[" + b + "]";
    }
}
