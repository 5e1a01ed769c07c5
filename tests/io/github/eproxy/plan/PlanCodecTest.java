package io.github.eproxy.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.eproxy.backend.LossCurve;
import io.github.eproxy.backend.SgdSettings;
import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.backend.cpu.CpuBackend;
import io.github.eproxy.graph.Net;
import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Node;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.Nb101;
import io.github.eproxy.searchspace.Nb201;
import io.github.eproxy.testing.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PlanCodecTest {

    /** A backbone with the proxy's head: 1x1 transform, ReLU, BN, frozen 3x3 barrier, MSE on 8x8. */
    private static Net proxyNet(Architecture arch) {
        NetBuilder b = new NetBuilder(new Shape(4, 3, 16, 16));
        int x = b.resize(arch.build(b)[1], 2, 2);
        int t = b.batchNorm(b.relu(b.conv(x, 8, 1, 1, 0, true)), true);
        b.frozen(true);
        int p = b.conv(t, 4, 3, 1, 1, true);
        b.frozen(false);
        b.mseLoss(p, 0, 0.5);
        return b.build();
    }

    private static List<Net> nets() {
        return List.of(
                proxyNet(new Nb201(4).parse("|nor_conv_1x1~0|+|avg_pool_3x3~0|skip_connect~1|+|nor_conv_3x3~0|none~1|nor_conv_1x1~2|")),
                proxyNet(new Nb101(4).parse("[[[0,1,1,0,1],[0,0,0,1,0],[0,0,0,1,1],[0,0,0,0,1],[0,0,0,0,0]],"
                        + "[\"input\",\"conv1x1-bn-relu\",\"maxpool3x3\",\"conv3x3-bn-relu\",\"output\"]]")));
    }

    @Test
    void decodingGivesBackTheSamePlan() {
        for (Net net : nets()) {
            Plan plan = new Planner(2, true).plan(net);
            int[] encoded = PlanCodec.encode(plan);
            Plan back = PlanCodec.decode(encoded);
            assertArrayEquals(encoded, PlanCodec.encode(back));
            assertEquals(plan.net.params(), back.net.params());
            assertEquals(plan.net.losses(), back.net.losses());
            for (Node n : plan.net.nodes()) {
                Node m = back.net.node(n.id());
                assertEquals(n, m);
                assertEquals(n.name(), m.name());
                assertEquals(n.shape(), m.shape());
                assertArrayEquals(n.params(), m.params());
            }
            assertArrayEquals(plan.forward, back.forward);
            assertArrayEquals(plan.backward, back.backward);
            assertArrayEquals(plan.act, back.act);
            assertArrayEquals(plan.grad, back.grad);
            assertArrayEquals(plan.saved, back.saved);
            assertArrayEquals(plan.fwdWorkspace, back.fwdWorkspace);
            assertArrayEquals(plan.bwdWorkspace, back.bwdWorkspace);
            assertArrayEquals(plan.target, back.target);
            assertArrayEquals(plan.paramOffset, back.paramOffset);
            assertArrayEquals(plan.needsGrad, back.needsGrad);
            assertTrue(Arrays.deepEquals(plan.zeroBefore, back.zeroBefore));
            assertEquals(List.of(plan.arenaSize, plan.unsharedSize, plan.threads, plan.paramSize, plan.trainableSize),
                    List.of(back.arenaSize, back.unsharedSize, back.threads, back.paramSize, back.trainableSize));
        }
    }

    @Test
    void aDecodedPlanTrainsBitForBitLikeTheOriginal() {
        Net net = nets().get(0);
        Plan plan = new Planner(2, true).plan(net);
        Plan back = PlanCodec.decode(PlanCodec.encode(plan));
        float[] input = Tensors.random(net.input().shape().numel(), 3);
        float[][] targets = {Tensors.random(4 * 4 * 2 * 2, 4)};
        SgdSettings sgd = new SgdSettings(0.5f, 0.9f, 4e-5f);
        try (CpuBackend cpu = new CpuBackend(2)) {
            LossCurve a = cpu.train(new TrainingRun(plan, ParamInit.initialValues(plan, 7), input, targets, sgd, 4));
            LossCurve b = cpu.train(new TrainingRun(back, ParamInit.initialValues(back, 7), input, targets, sgd, 4));
            assertArrayEquals(a.train(), b.train());
            assertArrayEquals(a.eval(), b.eval());
        }
    }

    @Test
    void malformedInputSaysWhatIsWrong() {
        int[] good = PlanCodec.encode(new Planner(1, true).plan(nets().get(0)));
        assertMessage(Arrays.copyOf(good, good.length - 3), "ends early");
        int[] longer = Arrays.copyOf(good, good.length + 1);
        assertMessage(longer, "1 ints after its end");
        int[] magic = good.clone();
        magic[0]++;
        assertMessage(magic, "bad magic number");
        int[] version = good.clone();
        version[1] = 99;
        assertMessage(version, "version 99");
        int[] nodes = good.clone();
        nodes[2] = Integer.MAX_VALUE;
        assertMessage(nodes, "node count");
    }

    private static void assertMessage(int[] data, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PlanCodec.decode(data));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void theNativeHeaderDescribesTheSameFormat() throws IOException {
        String header = Files.readString(Path.of("native", "eproxy_plan.h"));
        assertTrue(header.contains(String.format("#define EPROXY_PLAN_MAGIC 0x%08X", PlanCodec.MAGIC)), "magic");
        assertTrue(header.contains("#define EPROXY_PLAN_VERSION " + PlanCodec.VERSION), "version");
        assertTrue(header.contains("#define EPROXY_PLAN_ATTRS " + PlanCodec.ATTRS), "attribute slots");
        List<String> declared = new ArrayList<>();
        Matcher m = Pattern.compile("EPROXY_OP_(\\w+) = (\\d+)").matcher(header);
        while (m.find()) {
            assertEquals(declared.size(), Integer.parseInt(m.group(2)), m.group());
            declared.add(m.group(1));
        }
        List<String> java = new ArrayList<>();
        for (PlanCodec.OpCode c : PlanCodec.OpCode.values()) {
            java.add(c.name());
        }
        assertEquals(java, declared);
    }
}
