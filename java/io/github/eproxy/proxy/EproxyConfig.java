package io.github.eproxy.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eproxy.graph.Init;
import io.github.eproxy.searchspace.Nb101;
import io.github.eproxy.searchspace.SearchSpace;
import java.util.List;

/**
 * Every Eproxy setting, immutable, with a JSON round trip. {@link #DEFAULT} is the paper's plain
 * Eproxy as the reference implementation runs it when nothing is searched:
 * <ul>
 * <li>one branch on the final backbone output, 1x1 transform to 512 channels, 3x3 frozen barrier
 *     to 64, untrained-teacher target at level 2 ({@link Branch#plain()}: the reference's
 *     non-searched NB101 head; on NB201 it beats the reference's 128/128 NB201 head, rho 0.815
 *     against 0.672 on 200 cells);
 * <li>SGD lr 1.2, momentum 0.9, weight decay 4e-5, 10 iterations (reference; the paper's Table 1 uses lr 1);
 * <li>no FLOPs mixing (alpha 0: the plain proxy; DPS searches alpha in [-0.5, 0.5]);
 * <li>PyTorch's default initialisation for network and barrier (reference, when no init is named);
 * <li>a batch of 16 CIFAR-10 images, random crop and flip (reference), drawn with the seed.
 * </ul>
 * NB101 at the 16-channel stem takes another head and FLOPs mixing by default ({@link #defaultFor}). Missing JSON
 * fields take the defaults; unknown fields are an error.
 */
public record EproxyConfig(List<Branch> branches, double lr, double momentum, double weightDecay, int iterations,
        double alpha, Init netInit, Init barrierInit, long seed, int batchSize, boolean augment, String images) {

    public static final EproxyConfig DEFAULT = new EproxyConfig(List.of(Branch.plain()), 1.2, 0.9, 4e-5, 10, 0.0,
            Init.PYTORCH_DEFAULT, Init.PYTORCH_DEFAULT, 0, 16, true, ImageBatch.DEFAULT);

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT); // a seed of 1.5 is a mistake, not seed 1

    public EproxyConfig {
        branches = List.copyOf(branches);
        check(!branches.isEmpty() && branches.size() <= 3, "need 1 to 3 branches, got " + branches.size());
        check(lr > 0 && Double.isFinite(lr), "learning rate must be positive, got " + lr);
        check(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got " + momentum);
        check(weightDecay >= 0, "weight decay must be >= 0, got " + weightDecay);
        check(iterations >= 1, "iterations must be >= 1, got " + iterations);
        check(Double.isFinite(alpha) && Math.abs(alpha) <= 1, "alpha must be in [-1, 1], got " + alpha);
        check(netInit != null && barrierInit != null, "netInit and barrierInit are required");
        check(batchSize >= 2, "batch size must be >= 2 (batch norm needs a batch), got " + batchSize);
        check(images != null && !images.isBlank(), "images must name a bundled batch or a file");
    }

    /**
     * The FLOPs weight of the reference's 16-channel NB101 configuration
     * ({@code config_loss_macs_nb101_nas_16c}), part of the NB101 stem-16 default.
     */
    public static final double NARROW_NB101_ALPHA = 0.1;

    /**
     * The default for a search space: {@link #DEFAULT}, except on NB101 at the 16-channel stem, which
     * takes the reference's own 16-channel configuration: its head ({@link Branch#narrowNb101()})
     * instead of {@link Branch#plain()}, and its FLOPs mixing, alpha {@value #NARROW_NB101_ALPHA}
     * (README: on three draws of 200 the head alone gives rho 0.496, 0.421 and 0.417 against 0.417,
     * 0.248 and 0.303 for the plain head, and the mixing lifts it to 0.552, 0.482 and 0.521).
     */
    public static EproxyConfig defaultFor(SearchSpace space) {
        return space instanceof Nb101 nb101 && nb101.stem() == Nb101.DEFAULT_STEM
                ? DEFAULT.withBranches(List.of(Branch.narrowNb101())).withAlpha(NARROW_NB101_ALPHA)
                : DEFAULT;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("Eproxy config: " + message);
        }
    }

    public EproxyConfig withSeed(long newSeed) {
        return new EproxyConfig(branches, lr, momentum, weightDecay, iterations, alpha, netInit, barrierInit, newSeed,
                batchSize, augment, images);
    }

    public EproxyConfig withAlpha(double newAlpha) {
        return new EproxyConfig(branches, lr, momentum, weightDecay, iterations, newAlpha, netInit, barrierInit, seed,
                batchSize, augment, images);
    }

    /** The normalised input batch this configuration trains on: {@code batchSize} images, NCHW. */
    public float[] inputBatch() {
        return ImageBatch.load(images).batch(batchSize, seed, augment);
    }

    /** The CIFAR-10 labels (0..9) of {@link #inputBatch}'s images, in batch order. */
    public int[] inputLabels() {
        return ImageBatch.load(images).labels(batchSize, seed);
    }

    public EproxyConfig withBranches(List<Branch> newBranches) {
        return new EproxyConfig(newBranches, lr, momentum, weightDecay, iterations, alpha, netInit, barrierInit, seed,
                batchSize, augment, images);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a config; fields left out take {@link #DEFAULT}'s values (branch fields: {@link Branch#plain()}'s). */
    public static EproxyConfig fromJson(String json) {
        return fromJson(json, DEFAULT);
    }

    /** Parses a config; fields left out take {@code base}'s values (branch fields: those of its first branch). */
    public static EproxyConfig fromJson(String json, EproxyConfig base) {
        try {
            JsonNode user = JSON.readTree(json);
            if (user == null || !user.isObject()) {
                throw new IllegalArgumentException("Eproxy config: expected a JSON object");
            }
            ObjectNode merged = JSON.valueToTree(base);
            ObjectNode baseBranch = JSON.valueToTree(base.branches().get(0));
            user.properties().forEach(e -> merged.set(e.getKey(), e.getValue()));
            if (user.has("branches")) {
                if (!user.get("branches").isArray()) {
                    throw new IllegalArgumentException("Eproxy config: 'branches' must be a list");
                }
                ArrayNode branches = JSON.createArrayNode();
                for (JsonNode b : user.get("branches")) {
                    ObjectNode branch = baseBranch.deepCopy();
                    b.properties().forEach(e -> branch.set(e.getKey(), e.getValue()));
                    branches.add(branch);
                }
                merged.set("branches", branches);
            }
            return JSON.treeToValue(merged, EproxyConfig.class);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            throw new IllegalArgumentException(cause instanceof IllegalArgumentException ? cause.getMessage()
                    : "Eproxy config is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
