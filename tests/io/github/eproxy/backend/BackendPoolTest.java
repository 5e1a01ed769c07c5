package io.github.eproxy.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eproxy.backend.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendPoolTest {

    @Test
    void opensOnFirstNeedReusesAndNeverSharesABackend() {
        List<InspectableBackend> opened = new ArrayList<>();
        try (BackendPool pool = new BackendPool("cpu", () -> {
            CpuBackend b = new CpuBackend(1);
            opened.add(b);
            return b;
        })) {
            assertEquals(0, opened.size(), "nothing is opened before it is needed");
            InspectableBackend first = pool.apply(b -> b);
            assertSame(first, pool.apply(b -> b), "a backend given back serves the next caller");
            pool.apply(outer -> pool.apply(inner -> {
                assertNotSame(outer, inner, "a backend in use is not handed to a second caller");
                return inner;
            }));
            assertEquals(2, opened.size());
            assertEquals("cpu", pool.engine());
        }
    }

    @Test
    void aClosedPoolRefusesWorkAndAutoMustBeResolvedFirst() {
        BackendPool pool = BackendPool.of(BackendChoice.CPU);
        pool.apply(b -> b.nativeBytes());
        pool.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> pool.apply(b -> b));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        IllegalArgumentException auto = assertThrows(IllegalArgumentException.class, () -> BackendPool.of(BackendChoice.AUTO));
        assertTrue(auto.getMessage().contains("resolve()"), auto.getMessage());
    }
}
