package io.github.eproxy.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.eproxy.cli.Main;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The fingerprint is the same in every JVM on one machine and tells OpenBLAS's kernels apart. Child
 * JVMs run {@code eproxy -V}, with {@code OPENBLAS_CORETYPE} forcing older x86 kernels where asked.
 */
class BlasFingerprintTest {
    private static final Pattern PRINTED = Pattern.compile("products fingerprint ([0-9a-f]{8})");

    private static String inChildJvm(String coreType) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "-V")).redirectError(ProcessBuilder.Redirect.DISCARD);
        if (coreType != null) {
            pb.environment().put("OPENBLAS_CORETYPE", coreType);
        } else {
            pb.environment().remove("OPENBLAS_CORETYPE");
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM ends");
        Matcher m = PRINTED.matcher(out);
        assertTrue(m.find(), "eproxy -V names the fingerprint: " + out);
        return m.group(1);
    }

    private static boolean cpuHas(String flag) throws Exception {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        return Files.isReadable(cpuinfo) && Pattern.compile("\\b" + flag + "\\b").matcher(Files.readString(cpuinfo)).find();
    }

    @Test
    void isTheSameInAnotherJvm() throws Exception {
        assumeTrue(System.getenv("OPENBLAS_CORETYPE") == null, "this JVM's kernels are forced");
        String here = BlasFingerprint.value();
        assertTrue(here.matches("[0-9a-f]{8}"), here);
        assertEquals(here, inChildJvm(null));
    }

    @Test
    void tellsOpenBlasKernelsApart() throws Exception {
        assumeTrue(System.getProperty("os.arch").equals("amd64") && cpuHas("avx"),
                "forces x86 kernels that need AVX");
        String sse = inChildJvm("Nehalem");
        String avx = inChildJvm("Sandybridge");
        assertNotEquals(sse, avx, "SSE and AVX kernels sum in other orders");
        if (cpuHas("avx2") && cpuHas("fma")) {
            assertNotEquals(avx, inChildJvm("Haswell"), "AVX2 kernels with fused multiply-adds round otherwise");
        }
    }
}
