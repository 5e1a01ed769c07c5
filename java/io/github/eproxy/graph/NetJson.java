package io.github.eproxy.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Reads a net from JSON, for custom backbones and tests:
 * <pre>{"input": [16, 3, 32, 32],
 *  "nodes": [{"op": "conv2d", "in": [0], "out": 16, "kernel": 3, "padding": 1},
 *            {"op": "relu", "in": [1]},
 *            {"op": "mse", "in": [2], "target": 0}]}</pre>
 * Node ids count from 1 in list order (0 is the input). Optional fields take PyTorch's defaults.
 */
public final class NetJson {
    private NetJson() {
    }

    public static Net read(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new GraphException("net JSON is malformed: " + e.getOriginalMessage());
        }
        JsonNode in = root.path("input");
        if (!in.isArray() || in.size() != 4) {
            throw new GraphException("net JSON: 'input' must be [n, c, h, w], got " + in);
        }
        NetBuilder b = new NetBuilder(new Shape(in.get(0).asInt(), in.get(1).asInt(), in.get(2).asInt(), in.get(3).asInt()));
        int id = 1;
        for (JsonNode n : root.path("nodes")) {
            b.add(op(n, id), inputs(n, id));
            id++;
        }
        return b.build();
    }

    private static int[] inputs(JsonNode n, int id) {
        JsonNode in = n.path("in");
        if (!in.isArray() || in.isEmpty()) {
            throw new GraphException("node " + id + ": 'in' must be a non-empty list of node ids, got " + in);
        }
        int[] ids = new int[in.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = in.get(i).asInt(-1);
        }
        return ids;
    }

    private static Op op(JsonNode n, int id) {
        String kind = n.path("op").asText("");
        int k = n.path("kernel").asInt(1);
        int stride = n.path("stride").asInt(kind.endsWith("pool") ? k : 1);
        int pad = n.path("padding").asInt(0);
        switch (kind) {
            case "conv2d":
                return new Op.Conv2d(n.path("out").asInt(0), k, stride, pad, n.path("dilation").asInt(1),
                        n.path("groups").asInt(1), n.path("bias").asBoolean(true));
            case "batchnorm":
                return new Op.BatchNorm(n.path("affine").asBoolean(true), (float) n.path("eps").asDouble(1e-5));
            case "relu":
                return new Op.Relu();
            case "avgpool":
                return new Op.AvgPool(k, stride, pad);
            case "maxpool":
                return new Op.MaxPool(k, stride, pad);
            case "add":
                return new Op.Add();
            case "concat":
                return new Op.Concat();
            case "slice":
                return new Op.Slice(n.path("channels").asInt(0));
            case "zero":
                return new Op.Zero();
            case "identity":
                return new Op.Identity();
            case "resize":
                return new Op.Resize(n.path("height").asInt(0), n.path("width").asInt(0));
            case "mse":
                return new Op.MseLoss(n.path("target").asInt(0), n.path("weight").asDouble(1.0));
            case "cross_entropy":
                return new Op.CrossEntropyLoss(n.path("target").asInt(0), n.path("weight").asDouble(1.0));
            case "dot":
                return new Op.DotLoss(n.path("target").asInt(0), n.path("weight").asDouble(1.0));
            default:
                throw new GraphException("node " + id + ": unknown op '" + kind + "' (known: conv2d, batchnorm, relu, "
                        + "avgpool, maxpool, add, concat, slice, zero, identity, resize, mse, cross_entropy, dot)");
        }
    }
}
