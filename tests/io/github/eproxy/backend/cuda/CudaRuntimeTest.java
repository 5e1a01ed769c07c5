package io.github.eproxy.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.eproxy.backend.BackendChoice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The native library is built wherever the CUDA toolkit is (Maven profile {@code native}), and it
 * loads and reports the GPU situation in one line; without the toolkit the probe says the library
 * is not in this build. Neither case throws.
 */
class CudaRuntimeTest {
    private static final boolean TOOLKIT = Files.exists(Path.of("/usr/local/cuda/bin/nvcc"));
    private static final boolean DRIVER = Files.exists(Path.of("/dev/nvidiactl"));

    @Test
    void probeReportsTheSituationInOneLine() {
        CudaRuntime.Probe probe = CudaRuntime.probe();
        assertFalse(probe.message().contains("\n"), probe.message());
        assertFalse(probe.message().contains("\0"), probe.message());
        if (TOOLKIT) {
            assertTrue(probe.libraryLoaded(), "the toolkit is here, so the build packaged the library: " + probe.message());
        } else {
            assertFalse(probe.libraryLoaded());
            assertTrue(probe.message().contains("not in this build"), probe.message());
        }
        if (probe.libraryLoaded() && !DRIVER) {
            assertEquals(0, probe.devices());
            assertTrue(probe.message().startsWith("no GPU: "), probe.message());
            assertFalse(probe.message().contains("insufficient"), "a missing driver is named as missing: " + probe.message());
            assertFalse(probe.available());
        }
        if (probe.available()) {
            assertTrue(probe.devices() > 0);
        }
    }

    @Test
    void autoSaysWhichEngineItChoseAndWhy() {
        List<String> notes = new ArrayList<>();
        BackendChoice chosen = BackendChoice.AUTO.resolve(notes::add);
        assertEquals(1, notes.size(), notes.toString());
        if (CudaRuntime.probe().available()) {
            assertEquals(BackendChoice.CUDA, chosen);
            assertTrue(notes.get(0).startsWith("GPU: cuDNN "), "names the convolutions' engine: " + notes);
        } else {
            assertEquals(BackendChoice.CPU, chosen);
            assertTrue(notes.get(0).endsWith("; using the CPU backend"), notes.toString());
        }
    }

    @Test
    void convReportSaysWhetherCudnnIsLoadedAndWhichEngineRuns() {
        assumeTrue(CudaRuntime.probe().libraryLoaded(), CudaRuntime.probe().message());
        String firstLine = CudaRuntime.convReport().lines().findFirst().orElseThrow();
        assertTrue(firstLine.matches("cuDNN (\\d+ loaded|not used: .+); convolutions: .+"), firstLine);
        assertTrue(firstLine.endsWith("the faster by measurement"), "the default: " + firstLine);
        try {
            CudaRuntime.convEngine(CudaRuntime.ConvEngine.OWN);
            assertTrue(CudaRuntime.convReport().lines().findFirst().orElseThrow().endsWith("hand-written kernels only"));
        } finally {
            CudaRuntime.convEngine(CudaRuntime.ConvEngine.MEASURED);
        }
    }
}
