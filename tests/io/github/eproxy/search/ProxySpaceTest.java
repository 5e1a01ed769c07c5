package io.github.eproxy.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eproxy.proxy.Branch;
import io.github.eproxy.proxy.EproxyConfig;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProxySpaceTest {

    private static void assertInSpace(EproxyConfig c, int maxWidth) {
        assertTrue(c.branches().size() >= 1 && c.branches().size() <= 3);
        for (Branch b : c.branches()) {
            assertTrue(!b.features().isEmpty());
            assertTrue(b.midChannels() <= maxWidth && b.outChannels() <= maxWidth && b.midChannels() >= 16);
            assertTrue(Integer.bitCount(b.midChannels()) == 1 && Integer.bitCount(b.outChannels()) == 1);
            assertTrue(b.level() == 0.5 || b.level() == 1 || b.level() == 1.5 || b.level() == 2);
        }
        assertTrue(c.lr() >= 0.5 && c.lr() <= 1.5 && Math.abs(c.lr() * 10 - Math.round(c.lr() * 10)) < 1e-9);
        assertTrue(c.alpha() >= -0.5 && c.alpha() <= 0.5);
        assertEquals(c, EproxyConfig.fromJson(c.toJson()));
    }

    @Test
    void drawsAndMutationsStayInTheSpace() {
        ProxySpace space = new ProxySpace(EproxyConfig.DEFAULT, 64, c -> 0);
        SplittableRandom rng = new SplittableRandom(2);
        EproxyConfig c = space.random(rng);
        int changed = 0;
        for (int i = 0; i < 2000; i++) {
            assertInSpace(c, 64);
            EproxyConfig m = space.mutate(c, rng);
            changed += m.equals(c) ? 0 : 1;
            c = i % 10 == 0 ? space.random(rng) : m;
        }
        assertTrue(changed > 1500, "mutation should usually change something: " + changed);
    }

    @Test
    void settingsOutsideTheSpaceComeFromTheBase() {
        EproxyConfig base = EproxyConfig.DEFAULT.withSeed(77);
        EproxyConfig c = new ProxySpace(base, 512, x -> 0).random(new SplittableRandom(1));
        assertEquals(77, c.seed());
        assertEquals(base.iterations(), c.iterations());
        assertEquals(base.images(), c.images());
    }
}
