package io.github.eproxy.proxy;

import io.github.eproxy.util.IoErrors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Images in the CIFAR-10 binary layout (records of 1 label byte and 3 x 1024 pixel bytes, planes
 * R, G, B, each row-major 32x32), and the Eproxy input batch drawn from them: {@code size} distinct
 * images chosen by a seed, optionally augmented as the reference does (random crop with 4 pixels of
 * zero padding, horizontal flip with probability 1/2), normalised with the CIFAR-10 channel means
 * and standard deviations. The bundled default is the first 1,000 CIFAR-10 test images.
 */
public final class ImageBatch {
    public static final String DEFAULT = "cifar10-test-first1000.bin";
    static final int SIDE = 32;
    static final int RECORD = 1 + 3 * SIDE * SIDE;
    private static final float[] MEAN = {0.4914f, 0.4822f, 0.4465f};
    private static final float[] STD = {0.2470f, 0.2435f, 0.2616f};
    private static final int PAD = 4;

    private final byte[] data;
    private final String source;

    private ImageBatch(byte[] data, String source) {
        if (data.length == 0 || data.length % RECORD != 0) {
            throw new IllegalArgumentException(source + ": " + data.length + " bytes is not a whole number of "
                    + RECORD + "-byte CIFAR-10 records");
        }
        for (int i = 0; i < data.length / RECORD; i++) {
            int label = data[i * RECORD] & 0xff;
            if (label > 9) {
                throw new IllegalArgumentException(source + ": record " + i + " has label " + label
                        + ", but CIFAR-10 labels are 0 to 9 (is this another dataset's layout?)");
            }
        }
        this.data = data;
        this.source = source;
    }

    /** The bundled images ({@link #DEFAULT}) or a file of records by path. */
    public static ImageBatch load(String nameOrPath) {
        try (InputStream bundled = ImageBatch.class.getResourceAsStream("data/" + nameOrPath)) {
            if (bundled != null) {
                return new ImageBatch(bundled.readAllBytes(), nameOrPath);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled images " + nameOrPath, e);
        }
        Path path = Path.of(nameOrPath);
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("image file " + nameOrPath + " does not exist (and is not a bundled batch)");
        }
        try {
            return new ImageBatch(Files.readAllBytes(path), nameOrPath);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read image file " + nameOrPath + ": " + IoErrors.reason(e), e);
        }
    }

    public int count() {
        return data.length / RECORD;
    }

    /** The label byte of record {@code i}. */
    public int label(int i) {
        return data[i * RECORD] & 0xff;
    }

    /** A normalised NCHW batch of {@code size} images. */
    public float[] batch(int size, long seed, boolean augment) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] pick = pick(size, rng);
        float[] out = new float[size * 3 * SIDE * SIDE];
        for (int n = 0; n < size; n++) {
            int dy = 0;
            int dx = 0;
            boolean flip = false;
            if (augment) {
                dy = rng.nextInt(2 * PAD + 1) - PAD;
                dx = rng.nextInt(2 * PAD + 1) - PAD;
                flip = rng.nextBoolean();
            }
            int rec = pick[n] * RECORD + 1;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < SIDE; y++) {
                    for (int x = 0; x < SIDE; x++) {
                        int sy = y + dy;
                        int sx = (flip ? SIDE - 1 - x : x) + dx;
                        float v = sy >= 0 && sy < SIDE && sx >= 0 && sx < SIDE
                                ? (data[rec + c * SIDE * SIDE + sy * SIDE + sx] & 0xff) / 255f : 0f;
                        out[((n * 3 + c) * SIDE + y) * SIDE + x] = (v - MEAN[c]) / STD[c];
                    }
                }
            }
        }
        return out;
    }

    /** The labels of the images {@link #batch} draws for the same size and seed, in batch order. */
    public int[] labels(int size, long seed) {
        int[] pick = pick(size, new SplittableRandom(seed));
        int[] out = new int[size];
        for (int n = 0; n < size; n++) {
            out[n] = label(pick[n]);
        }
        return out;
    }

    /** The records of a batch of {@code size}: the first draws of {@code rng}, so {@link #batch} and {@link #labels} agree. */
    private int[] pick(int size, SplittableRandom rng) {
        if (size < 1 || size > count()) {
            throw new IllegalArgumentException(source + " holds " + count() + " images, cannot draw a batch of " + size);
        }
        return distinct(size, count(), rng);
    }

    private static int[] distinct(int size, int count, SplittableRandom rng) {
        int[] all = new int[count];
        for (int i = 0; i < count; i++) {
            all[i] = i;
        }
        for (int i = 0; i < size; i++) {
            int j = i + rng.nextInt(count - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return java.util.Arrays.copyOf(all, size);
    }
}
