package io.github.eproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputsTest {

    @Test
    void bundledBatchIsTheFirstThousandCifarTestImages() {
        ImageBatch images = ImageBatch.load(ImageBatch.DEFAULT);
        assertEquals(1000, images.count());
        int[] first = new int[12];
        for (int i = 0; i < 12; i++) {
            first[i] = images.label(i);
        }
        assertArrayEquals(new int[] {3, 8, 8, 0, 6, 6, 1, 6, 3, 1, 0, 9}, first);
    }

    @Test
    void batchIsNormalisedAndSeeded() {
        ImageBatch images = ImageBatch.load(ImageBatch.DEFAULT);
        float[] a = images.batch(16, 3, true);
        assertArrayEquals(a, images.batch(16, 3, true));
        assertTrue(!java.util.Arrays.equals(a, images.batch(16, 4, true)));
        double mean = 0;
        for (float v : images.batch(16, 3, false)) {
            mean += v;
        }
        assertTrue(Math.abs(mean / a.length) < 0.5, "normalised pixels should be centred, mean " + mean / a.length);
    }

    @Test
    void badImageFilesAreRejected(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("short.bin");
        Files.write(file, new byte[100]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageBatch.load(file.toString()));
        assertTrue(e.getMessage().contains("not a whole number of 3073-byte"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageBatch.load(dir.resolve("missing.bin").toString()));
        byte[] records = new byte[3 * 3073];
        records[2 * 3073] = 10; // the third record's label
        Path labels = Files.write(dir.resolve("labels.bin"), records);
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class, () -> ImageBatch.load(labels.toString()));
        assertEquals(labels + ": record 2 has label 10, but CIFAR-10 labels are 0 to 9 (is this another dataset's layout?)",
                label.getMessage());
    }

    @Test
    void featuresHaveTheirRanges() {
        float[] images = ImageBatch.load(ImageBatch.DEFAULT).batch(4, 0, false);
        float[] teacher = Targets.teacher(images, 4, 8, 1, 2);
        float max = 0;
        for (float v : teacher) {
            max = Math.max(max, Math.abs(v));
        }
        assertEquals(1f, max, 1e-6f);
        for (float v : Targets.waves(Feature.WAVE_M, 4, 8, 2)) {
            assertTrue(v >= -1 && v <= 1);
        }
        for (float v : Targets.dots(100, 3)) {
            assertTrue(v == 1f || v == -1f);
        }
        Branch twice = new Branch(0, 1, 3, 8, 8, List.of(Feature.DOT), 2.0);
        for (float v : Targets.of(twice, images, 4, 5, 2)) {
            assertTrue(v == 2f || v == -2f);
        }
    }
}
