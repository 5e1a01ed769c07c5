package io.github.eproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eproxy.graph.Init;
import io.github.eproxy.searchspace.Nb101;
import io.github.eproxy.searchspace.Nb201;
import java.util.List;
import org.junit.jupiter.api.Test;

class EproxyConfigTest {

    @Test
    void jsonRoundTrip() {
        EproxyConfig c = new EproxyConfig(List.of(Branch.plain(),
                new Branch(2, 7, 1, 32, 64, List.of(Feature.WAVE_H, Feature.DOT), 1.5)),
                0.7, 0.9, 4e-5, 10, -0.3, Init.XAVIER_NORMAL, Init.KAIMING_UNIFORM, 42, 16, false, "x.bin");
        assertEquals(c, EproxyConfig.fromJson(c.toJson()));
        assertEquals(EproxyConfig.DEFAULT, EproxyConfig.fromJson(EproxyConfig.DEFAULT.toJson()));
    }

    @Test
    void missingFieldsTakeDefaults() {
        EproxyConfig c = EproxyConfig.fromJson("{\"lr\": 0.5, \"branches\": [{\"features\": [\"dot\"]}]}");
        assertEquals(0.5, c.lr());
        assertEquals(List.of(Feature.DOT), c.branches().get(0).features());
        assertEquals(Branch.plain().outChannels(), c.branches().get(0).outChannels());
        assertEquals(EproxyConfig.DEFAULT.iterations(), c.iterations());
    }

    @Test
    void nb101AtTheNarrowStemTakesTheReferencesNarrowConfiguration() {
        EproxyConfig narrow = EproxyConfig.defaultFor(new Nb101(Nb101.DEFAULT_STEM));
        assertEquals(List.of(Branch.narrowNb101()), narrow.branches());
        assertEquals(0.1, narrow.alpha());
        assertEquals(EproxyConfig.DEFAULT.withBranches(narrow.branches()).withAlpha(narrow.alpha()), narrow);
        assertEquals(EproxyConfig.DEFAULT, EproxyConfig.defaultFor(new Nb101(64)));
        assertEquals(EproxyConfig.DEFAULT, EproxyConfig.defaultFor(new Nb201()));
    }

    @Test
    void missingFieldsTakeTheGivenBase() {
        EproxyConfig base = EproxyConfig.defaultFor(new Nb101(Nb101.DEFAULT_STEM));
        EproxyConfig c = EproxyConfig.fromJson("{\"lr\": 0.5, \"branches\": [{\"level\": 1.0}]}", base);
        Branch narrow = Branch.narrowNb101();
        Branch levelOne = new Branch(narrow.tap(), narrow.transformKernel(), narrow.barrierKernel(), narrow.midChannels(),
                narrow.outChannels(), narrow.features(), 1.0);
        assertEquals(new EproxyConfig(List.of(levelOne), 0.5, base.momentum(), base.weightDecay(), base.iterations(),
                base.alpha(), base.netInit(), base.barrierInit(), base.seed(), base.batchSize(), base.augment(),
                base.images()), c);
    }

    @Test
    void badConfigsSayWhatIsWrong() {
        assertMessage("{\"lr\": -1}", "learning rate must be positive");
        assertMessage("{\"branches\": [{\"transformKernel\": 5}]}", "transform kernel must be 1, 3 or 7, got 5");
        assertMessage("{\"branches\": [{\"features\": []}]}", "at least one feature");
        assertMessage("{\"branches\": [{\"features\": [\"sine\"]}]}", "unknown feature 'sine'");
        assertMessage("{\"learningRate\": 1}", "learningRate");
        assertMessage("{\"netInit\": \"he\"}", "unknown initialisation 'he'");
        assertMessage("{", "not valid JSON");
        assertMessage("{\"seed\": 1.5}", "Cannot coerce Floating-point value (1.5) to `long` value");
        assertMessage("{\"iterations\": 2.5}", "Cannot coerce Floating-point value (2.5) to `int` value");
    }

    private static void assertMessage(String json, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EproxyConfig.fromJson(json));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
