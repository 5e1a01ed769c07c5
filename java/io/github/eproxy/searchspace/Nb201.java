package io.github.eproxy.searchspace;

import io.github.eproxy.graph.NetBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * NAS-Bench-201 (Dong and Yang, ICLR 2020): a cell of 4 nodes whose 6 edges each carry one of 5
 * ops, stacked as stem conv3x3(3->16)+BN, 5 cells at 16 channels, a residual reduction block, 5
 * cells at 32, a reduction, 5 cells at 64. Cell ops follow the reference: conv without bias, BN
 * without affine parameters. The stem width is 16 in the benchmark; smaller widths give cheap
 * networks of the same shape for tests.
 */
public final class Nb201 implements SearchSpace {
    /** Operation names by index, as in the benchmark tables. */
    public static final List<String> OPS = List.of("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3");
    public static final int EDGES = 6;
    public static final int SIZE = 15_625;
    private static final int CELLS_PER_STAGE = 5;
    public static final int DEFAULT_STEM = 16;

    private final int stem;
    private final long maxMacs;

    public Nb201() {
        this(DEFAULT_STEM);
    }

    public Nb201(int stem) {
        if (stem < 1) {
            throw new IllegalArgumentException("stem width must be positive, got " + stem);
        }
        this.stem = stem;
        this.maxMacs = new Cell(new int[] {3, 3, 3, 3, 3, 3}, stem).macs();
    }

    /**
     * A cell: edge ops in the order (1<-0), (2<-0), (2<-1), (3<-0), (3<-1), (3<-2), and the
     * network's stem width.
     */
    public record Cell(int[] ops, int stem) implements Architecture {
        public Cell {
            if (ops.length != EDGES) {
                throw new IllegalArgumentException("an NB201 cell has " + EDGES + " edges, got " + ops.length);
            }
            for (int i = 0; i < EDGES; i++) {
                if (ops[i] < 0 || ops[i] >= OPS.size()) {
                    throw new IllegalArgumentException("edge " + i + ": op index " + ops[i] + " is not in 0..4");
                }
            }
            ops = ops.clone();
        }

        @Override
        public int[] ops() {
            return ops.clone();
        }

        /** Op on the edge into node {@code to} (1..3) from node {@code from}. */
        public int op(int to, int from) {
            return ops[to * (to - 1) / 2 + from];
        }

        /** The benchmark's string, e.g. {@code |nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|...|}. */
        @Override
        public String id() {
            StringBuilder s = new StringBuilder();
            for (int to = 1; to <= 3; to++) {
                s.append(to > 1 ? "+|" : "|");
                for (int from = 0; from < to; from++) {
                    s.append(OPS.get(op(to, from))).append('~').append(from).append('|');
                }
            }
            return s.toString();
        }

        /** Index in 0..15624 (edge ops as base-5 digits, first edge most significant). */
        public int index() {
            int i = 0;
            for (int op : ops) {
                i = i * 5 + op;
            }
            return i;
        }

        @Override
        public int[] build(NetBuilder b) {
            int x = b.batchNorm(b.conv(b.input(), stem, 3, 1, 1, false), true);
            int[] taps = new int[3];
            int channels = stem;
            for (int stage = 0; stage < 3; stage++) {
                if (stage > 0) {
                    channels *= 2;
                    x = reduction(b, x, channels);
                }
                for (int c = 0; c < CELLS_PER_STAGE; c++) {
                    x = cell(b, x, channels);
                }
                taps[2 - stage] = x;
            }
            return taps;
        }

        /** NAS-Bench-201's head: batch norm and ReLU ({@code lastact}) before the pooling and the linear layer. */
        @Override
        public int classifier(NetBuilder b, int classes) {
            int features = b.relu(b.batchNorm(build(b)[0], true));
            return b.linear(b.globalAvgPool(features), classes);
        }

        private int cell(NetBuilder b, int input, int channels) {
            int[] nodes = new int[4];
            nodes[0] = input;
            for (int to = 1; to <= 3; to++) {
                List<Integer> terms = new ArrayList<>();
                for (int from = 0; from < to; from++) {
                    int op = op(to, from);
                    int x = nodes[from];
                    switch (op) {
                        case 1:
                            terms.add(x);
                            break;
                        case 2:
                            terms.add(b.batchNorm(b.conv(b.relu(x), channels, 1, 1, 0, false), false));
                            break;
                        case 3:
                            terms.add(b.batchNorm(b.conv(b.relu(x), channels, 3, 1, 1, false), false));
                            break;
                        case 4:
                            terms.add(b.avgPool(x, 3, 1, 1));
                            break;
                        default:
                            break;
                    }
                }
                nodes[to] = terms.isEmpty() ? b.zero(input) : b.sum(terms.stream().mapToInt(Integer::intValue).toArray());
            }
            return nodes[3];
        }

        /** ResNet basic block with stride 2: ReLU-conv3x3(s2)-BN, ReLU-conv3x3-BN, plus avgpool2 + conv1x1. */
        private static int reduction(NetBuilder b, int x, int channels) {
            int a = b.batchNorm(b.conv(b.relu(x), channels, 3, 2, 1, false), true);
            int c = b.batchNorm(b.conv(b.relu(a), channels, 3, 1, 1, false), true);
            int shortcut = b.conv(b.avgPool(x, 2, 2, 0), channels, 1, 1, 0, false);
            return b.sum(shortcut, c);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cell c && java.util.Arrays.equals(ops, c.ops) && stem == c.stem;
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(ops) * 31 + stem;
        }

        @Override
        public String toString() {
            return id();
        }
    }

    @Override
    public String toString() {
        return name() + " at stem width " + stem;
    }

    @Override
    public boolean contains(Architecture arch) {
        return arch instanceof Cell a && a.stem() == stem;
    }

    @Override
    public String name() {
        return "nb201";
    }

    /**
     * Parses the benchmark string ({@code |nor_conv_3x3~0|+|...|}) or the index form of the data
     * tables ({@code [[3],[3,1],[0,3,2]]}).
     */
    @Override
    public Cell parse(String text) {
        String t = text.trim();
        if (t.startsWith("[")) {
            return parseIndexForm(t);
        }
        String[] nodes = t.split("\\+", -1);
        if (nodes.length != 3) {
            throw new IllegalArgumentException("NB201 cell '" + text + "': expected 3 node groups joined by '+', got " + nodes.length);
        }
        int[] ops = new int[EDGES];
        for (int to = 1; to <= 3; to++) {
            String group = nodes[to - 1];
            if (!group.startsWith("|") || !group.endsWith("|")) {
                throw new IllegalArgumentException("NB201 cell '" + text + "': node " + to + " group '" + group + "' must be written |op~i|...|");
            }
            String[] edges = group.substring(1, group.length() - 1).split("\\|", -1);
            if (edges.length != to) {
                throw new IllegalArgumentException("NB201 cell '" + text + "': node " + to + " needs " + to + " incoming edges, got " + edges.length);
            }
            for (int from = 0; from < to; from++) {
                String[] parts = edges[from].split("~", -1);
                if (parts.length != 2 || !parts[1].equals(Integer.toString(from))) {
                    throw new IllegalArgumentException("NB201 cell '" + text + "': node " + to + " edge '" + edges[from] + "' must be op~" + from);
                }
                int op = OPS.indexOf(parts[0]);
                if (op < 0) {
                    throw new IllegalArgumentException("NB201 cell '" + text + "': unknown op '" + parts[0] + "' on edge " + from + "->" + to + " (known: " + OPS + ")");
                }
                ops[to * (to - 1) / 2 + from] = op;
            }
        }
        return new Cell(ops, stem);
    }

    private Cell parseIndexForm(String text) {
        String digits = text.replaceAll("\\s", "");
        if (!digits.matches("\\[\\[[0-4]],\\[[0-4],[0-4]],\\[[0-4],[0-4],[0-4]]]")) {
            throw new IllegalArgumentException("NB201 cell '" + text + "': index form must be [[a],[b,c],[d,e,f]] with ops 0..4");
        }
        int[] ops = new int[EDGES];
        int k = 0;
        for (char ch : digits.toCharArray()) {
            if (Character.isDigit(ch)) {
                ops[k++] = ch - '0';
            }
        }
        return new Cell(ops, stem);
    }

    /** The cell with index {@code i} (see {@link Cell#index()}). */
    public Cell cell(int index) {
        if (index < 0 || index >= SIZE) {
            throw new IllegalArgumentException("NB201 index " + index + " is not in 0.." + (SIZE - 1));
        }
        int[] ops = new int[EDGES];
        for (int e = EDGES - 1; e >= 0; e--) {
            ops[e] = index % 5;
            index /= 5;
        }
        return new Cell(ops, stem);
    }

    /** All 15,625 cells in index order. */
    public List<Cell> all() {
        List<Cell> cells = new ArrayList<>(SIZE);
        for (int i = 0; i < SIZE; i++) {
            cells.add(cell(i));
        }
        return cells;
    }

    @Override
    public Cell sample(SplittableRandom rng) {
        return cell(rng.nextInt(SIZE));
    }

    @Override
    public Cell mutate(Architecture arch, SplittableRandom rng) {
        int[] ops = ((Cell) arch).ops();
        int edge = rng.nextInt(EDGES);
        ops[edge] = (ops[edge] + 1 + rng.nextInt(OPS.size() - 1)) % OPS.size();
        return new Cell(ops, stem);
    }

    public int stem() {
        return stem;
    }

    @Override
    public long maxMacs() {
        return maxMacs;
    }
}
