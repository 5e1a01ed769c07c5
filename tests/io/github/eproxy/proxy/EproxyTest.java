package io.github.eproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eproxy.backend.SgdSettings;
import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.backend.cpu.CpuBackend;
import io.github.eproxy.plan.ParamInit;
import io.github.eproxy.plan.Plan;
import io.github.eproxy.plan.Planner;
import io.github.eproxy.searchspace.Benchmark;
import io.github.eproxy.searchspace.Nb101;
import io.github.eproxy.searchspace.Nb201;
import io.github.eproxy.stats.Ranking;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Eproxy end to end at small widths (stem 4 or 8, 16-channel head) so the suite stays fast. */
class EproxyTest {
    private static final Nb201 SMALL = new Nb201(4);
    private static final String CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|nor_conv_3x3~1|nor_conv_1x1~2|";

    static EproxyConfig small(int branches) {
        List<Branch> all = List.of(new Branch(0, 1, 3, 16, 16, List.of(Feature.NET), 1.0),
                new Branch(1, 3, 1, 16, 16, List.of(Feature.WAVE_L, Feature.DOT), 0.5),
                new Branch(2, 1, 7, 16, 16, List.of(Feature.WAVE_H), 2.0));
        return EproxyConfig.DEFAULT.withBranches(all.subList(0, branches));
    }

    @Test
    void withoutAConfigTheSpacesDefaultApplies() {
        Nb101 narrow = new Nb101(Nb101.DEFAULT_STEM);
        try (Eproxy nb101 = Eproxy.builder().space(narrow).threads(1).build();
                Eproxy nb201 = Eproxy.builder().space(SMALL).threads(1).build()) {
            assertEquals(EproxyConfig.defaultFor(narrow), nb101.config());
            assertEquals(List.of(Branch.narrowNb101()), nb101.config().branches());
            assertEquals(EproxyConfig.DEFAULT, nb201.config());
        }
    }

    @Test
    void sameSeedSameScoreBitForBit() {
        try (Eproxy a = Eproxy.builder().space(SMALL).config(small(3)).threads(2).build();
                Eproxy b = Eproxy.builder().space(SMALL).config(small(3)).threads(2).build()) {
            Score x = a.score(CELL);
            assertArrayEquals(x.lossCurve(), a.score(CELL).lossCurve());
            assertArrayEquals(x.lossCurve(), b.score(CELL).lossCurve());
            assertEquals(10, x.lossCurve().length);
            assertTrue(x.lossCurve()[9] < x.lossCurve()[0], "training should lower the loss");
        }
    }

    @Test
    void barrierNeverChangesWhileTheRestTrains() {
        try (Eproxy e = Eproxy.builder().space(SMALL).config(small(2)).threads(2).build();
                CpuBackend cpu = new CpuBackend(2)) {
            Plan plan = new Planner(2, true).plan(e.network(SMALL.parse(CELL)).net());
            float[] before = ParamInit.initialValues(plan, 0);
            float[] images = ImageBatch.load(ImageBatch.DEFAULT).batch(16, 0, true);
            float[][] targets = {new float[16 * 16 * 64], new float[16 * 16 * 64]};
            cpu.train(new TrainingRun(plan, before, images, targets, new SgdSettings(1.2f, 0.9f, 4e-5f), 10));
            float[] after = cpu.params();
            int frozen = 0;
            for (int i = 0; i < plan.net.params().size(); i++) {
                int off = plan.paramOffset[i];
                boolean same = before[off] == after[off];
                if (!plan.net.params().get(i).trainable()) {
                    frozen++;
                    for (int j = 0; j < plan.net.params().get(i).numel(); j++) {
                        assertEquals(before[off + j], after[off + j], plan.net.params().get(i).name());
                    }
                } else if (plan.net.params().get(i).numel() > 4) {
                    assertFalse(same && before[off + 1] == after[off + 1], plan.net.params().get(i).name() + " should train");
                }
            }
            assertEquals(4, frozen, "two barriers, weight and bias each");
        }
    }

    /** Another space's or width's architecture would be scored with this space's configuration and FLOPs scale. */
    @Test
    void architecturesOfAnotherSpaceOrWidthAreRefused() {
        try (Eproxy e = Eproxy.builder().space(SMALL).config(small(1)).threads(1).build()) {
            var wider = new Nb201(8).parse(CELL);
            IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                    () -> e.score(wider));
            assertEquals("architecture " + CELL + " is not of this scorer's space, nb201 at stem width 4", other.getMessage());
            var nb101 = new Nb101(4).parse("[[[0,1],[0,0]],[\"input\",\"output\"]]");
            assertThrows(IllegalArgumentException.class, () -> e.trainingRun(nb101, 1));
            assertTrue(SMALL.contains(SMALL.parse(CELL)) && new Nb101(4).contains(nb101) && !new Nb101(8).contains(nb101));
        }
    }

    @Test
    void degenerateCellIsScoredWorstWithoutTraining() {
        try (Eproxy e = Eproxy.builder().space(SMALL).config(small(1)).threads(2).build()) {
            Score s = e.score("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|none~0|none~1|none~2|");
            assertTrue(s.degenerate());
            assertEquals(Double.POSITIVE_INFINITY, s.score());
            assertEquals(0, s.lossCurve().length);
        }
    }

    @Test
    void flopsMixingFollowsTheReferenceSign() {
        try (Eproxy plain = Eproxy.builder().space(SMALL).config(small(1)).threads(2).build();
                Eproxy mixed = Eproxy.builder().space(SMALL).config(small(1).withAlpha(0.5)).threads(2).build()) {
            Score p = plain.score(CELL);
            Score m = mixed.score(CELL);
            assertEquals(p.loss(), m.loss());
            assertEquals(p.loss() * (1 - 0.5 * p.macs() / (double) SMALL.maxMacs()), m.score(), 1e-12);
        }
    }

    /** 20 cells at stem 8: the ranking must beat chance clearly (measured rho recorded in the issue note). */
    @Test
    void smallWidthSmokeRunRanksBetterThanChance() {
        Nb201 space = new Nb201(8);
        List<Benchmark.Entry> table = new java.util.ArrayList<>(Benchmark.load(space));
        Collections.shuffle(table, new Random(20));
        List<Benchmark.Entry> twenty = table.subList(0, 20);
        double[] scores = new double[20];
        double[] acc = new double[20];
        try (Eproxy e = Eproxy.builder().space(space).config(small(1)).threads(2).build()) {
            for (int i = 0; i < 20; i++) {
                scores[i] = e.score(twenty.get(i).arch()).score();
                acc[i] = twenty.get(i).accuracy();
            }
        }
        double rho = Ranking.evaluate(scores, acc).spearman();
        assertTrue(rho > 0.3, "Spearman rho " + rho);
    }
}
