package io.github.eproxy.backend.cpu;

import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.Nb101;
import io.github.eproxy.searchspace.Nb201;
import org.junit.jupiter.api.Test;

/**
 * Whole backbones against finite differences (see {@link GradCheck}), at stem width 2 on 8x8
 * images: every op composition the search spaces produce (truncation, projections, concatenation,
 * max pooling between stacks, residual reductions) passes gradients correctly. Deep ReLU networks
 * put many parameters next to a kink, so 300 parameters spread over the net are checked and 40%
 * of them must be kink-free; and a first-layer weight moves every unit of the net, so many small
 * kinks below the detector's threshold add up to a few percent: the bound is 5e-2 relative (a
 * miswired composition is off by the gradient's own size; the op tests hold each op to 2e-2).
 */
class BackboneGradientTest {

    private static void check(String name, Architecture arch) {
        NetBuilder b = new NetBuilder(new Shape(2, 3, 8, 8));
        b.mseLoss(arch.build(b)[0], 0, 1.0);
        GradCheck.check(name, b.build(), 2e-3, 5e-2, 0.4, 300);
    }

    @Test
    void nb101CellWithEveryOp() {
        Nb101 space = new Nb101(2);
        check("nb101", space.parse("[[[0,1,1,0,1],[0,0,0,1,0],[0,0,0,1,1],[0,0,0,0,1],[0,0,0,0,0]],"
                + "[\"input\",\"conv1x1-bn-relu\",\"maxpool3x3\",\"conv3x3-bn-relu\",\"output\"]]"));
    }

    @Test
    void nb201CellWithEveryOp() {
        check("nb201", new Nb201(2).parse("|nor_conv_1x1~0|+|avg_pool_3x3~0|skip_connect~1|+|nor_conv_3x3~0|none~1|nor_conv_1x1~2|"));
    }
}
