package io.github.eproxy.searchspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.eproxy.graph.NetBuilder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * NAS-Bench-101 (Ying et al., ICML 2019): a cell is a DAG of at most 7 vertices and 9 edges, given
 * as an upper-triangular adjacency matrix and vertex ops. The network: stem conv3x3-BN-ReLU, then 3
 * stacks of 3 cells with 2x2 max-pool down-sampling (and doubled channels) between stacks. Inside a
 * cell the benchmark's rules hold: vertex channels from {@code compute_vertex_channels}, inputs wider
 * than a vertex truncated to its channels, conv1x1-BN-ReLU projections of the cell input, outputs
 * concatenated at the output vertex plus the projected input when it connects directly.
 */
public final class Nb101 implements SearchSpace {
    /** The reference's affordable 16-channel proxy variant; 128 is the benchmark's own width. */
    public static final int DEFAULT_STEM = 16;
    public static final List<String> OPS = List.of("conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3");
    static final int MAX_VERTICES = 7;
    static final int MAX_EDGES = 9;
    private static final int STACKS = 3;
    private static final int CELLS_PER_STACK = 3;

    /** {@link #maxMacs()} per stem width, shared by every instance: each costs one pass over the 2,500 backbones. */
    private static final Map<Integer, Long> MAX_MACS = new ConcurrentHashMap<>();

    private final int stem;

    public Nb101(int stem) {
        if (stem < 1) {
            throw new IllegalArgumentException("stem width must be positive, got " + stem);
        }
        this.stem = stem;
    }

    /** A pruned, validated cell. */
    public record Spec(int[][] matrix, List<String> ops, int stem) implements Architecture {

        int vertices() {
            return ops.size();
        }

        @Override
        public String id() {
            StringBuilder s = new StringBuilder("[[");
            for (int i = 0; i < matrix.length; i++) {
                s.append(i > 0 ? "," : "").append(Arrays.toString(matrix[i]).replace(" ", ""));
            }
            s.append("],[");
            for (int i = 0; i < ops.size(); i++) {
                s.append(i > 0 ? "," : "").append('"').append(ops.get(i)).append('"');
            }
            return s.append("]]").toString();
        }

        @Override
        public int[] build(NetBuilder b) {
            int x = b.relu(b.batchNorm(b.conv(b.input(), stem, 3, 1, 1, false), true));
            int channels = stem;
            int[] taps = new int[3];
            for (int stack = 0; stack < STACKS; stack++) {
                if (stack > 0) {
                    x = b.maxPool(x, 2, 2, 0);
                    channels *= 2;
                }
                for (int c = 0; c < CELLS_PER_STACK; c++) {
                    x = cell(b, x, channels);
                }
                taps[2 - stack] = x;
            }
            return taps;
        }

        private int cell(NetBuilder b, int input, int outChannels) {
            int v = vertices();
            int[] ch = vertexChannels(b.shape(input).c(), outChannels);
            int[] tensors = new int[v];
            tensors[0] = input;
            List<Integer> outputs = new ArrayList<>();
            for (int t = 1; t < v - 1; t++) {
                List<Integer> fanIn = new ArrayList<>();
                for (int src = 1; src < t; src++) {
                    if (matrix[src][t] == 1) {
                        fanIn.add(ch[src] > ch[t] ? b.slice(tensors[src], ch[t]) : tensors[src]);
                    }
                }
                if (matrix[0][t] == 1) {
                    fanIn.add(projection(b, input, ch[t]));
                }
                int in = b.sum(fanIn.stream().mapToInt(Integer::intValue).toArray());
                switch (ops.get(t)) {
                    case "conv3x3-bn-relu":
                        tensors[t] = b.relu(b.batchNorm(b.conv(in, ch[t], 3, 1, 1, false), true));
                        break;
                    case "conv1x1-bn-relu":
                        tensors[t] = b.relu(b.batchNorm(b.conv(in, ch[t], 1, 1, 0, false), true));
                        break;
                    default:
                        tensors[t] = b.maxPool(in, 3, 1, 1);
                        break;
                }
                if (matrix[t][v - 1] == 1) {
                    outputs.add(tensors[t]);
                }
            }
            if (outputs.isEmpty()) {
                return projection(b, input, outChannels);
            }
            int out = b.concat(outputs.stream().mapToInt(Integer::intValue).toArray());
            return matrix[0][v - 1] == 1 ? b.sum(out, projection(b, input, outChannels)) : out;
        }

        private static int projection(NetBuilder b, int x, int channels) {
            return b.relu(b.batchNorm(b.conv(x, channels, 1, 1, 0, false), true));
        }

        /** NAS-Bench-101's {@code compute_vertex_channels}. */
        int[] vertexChannels(int in, int out) {
            int v = vertices();
            int[] ch = new int[v];
            ch[0] = in;
            ch[v - 1] = out;
            if (v == 2) {
                return ch;
            }
            int inDegree = 0;
            for (int src = 1; src < v; src++) {
                inDegree += matrix[src][v - 1];
            }
            if (inDegree > out) {
                throw new IllegalArgumentException("stem width " + stem + " is too narrow for cell " + id()
                        + ": its output splits " + out + " channels among " + inDegree + " vertices");
            }
            int interior = out / inDegree;
            int correction = out % inDegree;
            for (int t = 1; t < v - 1; t++) {
                if (matrix[t][v - 1] == 1) {
                    ch[t] = interior;
                    if (correction > 0) {
                        ch[t]++;
                        correction--;
                    }
                }
            }
            for (int t = v - 3; t > 0; t--) {
                if (matrix[t][v - 1] == 0) {
                    for (int dst = t + 1; dst < v - 1; dst++) {
                        if (matrix[t][dst] == 1) {
                            ch[t] = Math.max(ch[t], ch[dst]);
                        }
                    }
                }
            }
            return ch;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Spec s && Arrays.deepEquals(matrix, s.matrix) && ops.equals(s.ops) && stem == s.stem;
        }

        @Override
        public int hashCode() {
            return Arrays.deepHashCode(matrix) * 31 + ops.hashCode();
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
        return arch instanceof Spec a && a.stem() == stem;
    }

    @Override
    public String name() {
        return "nb101";
    }

    public int stem() {
        return stem;
    }

    /** Parses {@code [matrix, ops]} as JSON, e.g. {@code [[[0,1],[0,0]],["input","output"]]}. */
    @Override
    public Spec parse(String text) {
        JsonNode node;
        try {
            node = new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("NB101 cell '" + text + "': not JSON [matrix, ops]");
        }
        return fromJson(node, text);
    }

    Spec fromJson(JsonNode node, String text) {
        if (node == null || !node.isArray() || node.size() != 2 || !node.get(0).isArray() || !node.get(1).isArray()) {
            throw new IllegalArgumentException("NB101 cell '" + text + "': expected [matrix, ops]");
        }
        JsonNode m = node.get(0);
        int v = m.size();
        int[][] matrix = new int[v][v];
        for (int i = 0; i < v; i++) {
            if (!m.get(i).isArray() || m.get(i).size() != v) {
                throw new IllegalArgumentException("NB101 cell '" + text + "': the matrix must be square, a list of " + v
                        + " rows of " + v + " entries; row " + i + " is " + m.get(i));
            }
            for (int j = 0; j < v; j++) {
                int e = m.get(i).get(j).asInt(-1);
                if (e != 0 && e != 1) {
                    throw new IllegalArgumentException("NB101 cell '" + text + "': matrix[" + i + "][" + j + "] must be 0 or 1");
                }
                matrix[i][j] = e;
            }
        }
        List<String> ops = new ArrayList<>();
        for (JsonNode op : node.get(1)) {
            ops.add(op.asText());
        }
        return spec(matrix, ops, text);
    }

    /** Validates and prunes as NAS-Bench-101's ModelSpec does. */
    Spec spec(int[][] matrix, List<String> ops, String text) {
        int v = matrix.length;
        String where = "NB101 cell '" + text + "': ";
        if (v < 2 || v > MAX_VERTICES) {
            throw new IllegalArgumentException(where + "needs 2.." + MAX_VERTICES + " vertices, got " + v);
        }
        if (ops.size() != v) {
            throw new IllegalArgumentException(where + ops.size() + " ops for " + v + " vertices");
        }
        if (!ops.get(0).equals("input") || !ops.get(v - 1).equals("output")) {
            throw new IllegalArgumentException(where + "first op must be 'input' and last 'output'");
        }
        for (int i = 1; i < v - 1; i++) {
            if (!OPS.contains(ops.get(i))) {
                throw new IllegalArgumentException(where + "unknown op '" + ops.get(i) + "' at vertex " + i + " (known: " + OPS + ")");
            }
        }
        int edges = 0;
        for (int i = 0; i < v; i++) {
            for (int j = 0; j < v; j++) {
                if (matrix[i][j] == 1 && j <= i) {
                    throw new IllegalArgumentException(where + "matrix must be strictly upper triangular, edge " + i + "->" + j);
                }
                edges += matrix[i][j];
            }
        }
        if (edges > MAX_EDGES) {
            throw new IllegalArgumentException(where + edges + " edges, at most " + MAX_EDGES + " allowed");
        }
        boolean[] fromInput = new boolean[v];
        fromInput[0] = true;
        for (int j = 1; j < v; j++) {
            for (int i = 0; i < j; i++) {
                fromInput[j] |= fromInput[i] && matrix[i][j] == 1;
            }
        }
        boolean[] toOutput = new boolean[v];
        toOutput[v - 1] = true;
        for (int i = v - 2; i >= 0; i--) {
            for (int j = i + 1; j < v; j++) {
                toOutput[i] |= toOutput[j] && matrix[i][j] == 1;
            }
        }
        if (!fromInput[v - 1]) {
            throw new IllegalArgumentException(where + "no path from input to output (disconnected graph)");
        }
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < v; i++) {
            if (fromInput[i] && toOutput[i]) {
                keep.add(i);
            }
        }
        int[][] pruned = new int[keep.size()][keep.size()];
        List<String> prunedOps = new ArrayList<>();
        for (int a = 0; a < keep.size(); a++) {
            prunedOps.add(ops.get(keep.get(a)));
            for (int b = 0; b < keep.size(); b++) {
                pruned[a][b] = matrix[keep.get(a)][keep.get(b)];
            }
        }
        return new Spec(pruned, List.copyOf(prunedOps), stem);
    }

    /** A uniformly random valid cell of 7 vertices (rejection sampling, as the benchmark's examples do). */
    @Override
    public Spec sample(SplittableRandom rng) {
        while (true) {
            int[][] m = new int[MAX_VERTICES][MAX_VERTICES];
            for (int i = 0; i < MAX_VERTICES; i++) {
                for (int j = i + 1; j < MAX_VERTICES; j++) {
                    m[i][j] = rng.nextInt(2);
                }
            }
            List<String> ops = new ArrayList<>();
            ops.add("input");
            for (int i = 1; i < MAX_VERTICES - 1; i++) {
                ops.add(OPS.get(rng.nextInt(OPS.size())));
            }
            ops.add("output");
            try {
                return spec(m, ops, "sampled");
            } catch (IllegalArgumentException invalid) {
                // redraw
            }
        }
    }

    /**
     * Flips one edge or redraws one op, retrying until the result is a valid, different cell. The
     * pruned cell is first widened back to 7 vertices with unconnected vertices of random ops (which
     * pruning removes again unless the mutation connects them), so that cells can grow as well as shrink.
     */
    @Override
    public Spec mutate(Architecture arch, SplittableRandom rng) {
        Spec s = (Spec) arch;
        int v = s.vertices();
        int[][] wide = new int[MAX_VERTICES][MAX_VERTICES];
        List<String> wideOps = new ArrayList<>(s.ops().subList(0, v - 1));
        for (int i = 0; i < v - 1; i++) {
            for (int j = 0; j < v - 1; j++) {
                wide[i][j] = s.matrix()[i][j];
            }
            wide[i][MAX_VERTICES - 1] = s.matrix()[i][v - 1];
        }
        while (wideOps.size() < MAX_VERTICES - 1) {
            wideOps.add(OPS.get(rng.nextInt(OPS.size())));
        }
        wideOps.add("output");
        for (int attempt = 0; attempt < 1000; attempt++) {
            int[][] m = new int[MAX_VERTICES][];
            for (int i = 0; i < MAX_VERTICES; i++) {
                m[i] = wide[i].clone();
            }
            List<String> ops = new ArrayList<>(wideOps);
            if (rng.nextBoolean()) {
                int t = 1 + rng.nextInt(MAX_VERTICES - 2);
                ops.set(t, OPS.get((OPS.indexOf(ops.get(t)) + 1 + rng.nextInt(OPS.size() - 1)) % OPS.size()));
            } else {
                int i = rng.nextInt(MAX_VERTICES - 1);
                int j = i + 1 + rng.nextInt(MAX_VERTICES - 1 - i);
                m[i][j] ^= 1;
            }
            try {
                Spec mutated = spec(m, ops, "mutated");
                if (!mutated.equals(s)) {
                    return mutated;
                }
            } catch (IllegalArgumentException invalid) {
                // redraw
            }
        }
        Spec fresh = sample(rng);
        while (fresh.equals(s)) {
            fresh = sample(rng);
        }
        return fresh; // no single edit changes this cell (input -> output only): start afresh
    }

    /** The largest backbone among the bundled 2,500-architecture sample, at this stem width. */
    @Override
    public long maxMacs() {
        return MAX_MACS.computeIfAbsent(stem, s -> {
            long max = 0;
            for (Benchmark.Entry e : Benchmark.load(this, Benchmark.NB101_2500)) {
                max = Math.max(max, e.arch().macs());
            }
            return max;
        });
    }
}
