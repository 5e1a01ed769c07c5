package io.github.eproxy.proxy;

import io.github.eproxy.backend.Backend;
import io.github.eproxy.backend.BackendChoice;
import io.github.eproxy.backend.LossCurve;
import io.github.eproxy.backend.SgdSettings;
import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.graph.Net;
import io.github.eproxy.graph.NetBuilder;
import io.github.eproxy.graph.Shape;
import io.github.eproxy.plan.ParamInit;
import io.github.eproxy.plan.Plan;
import io.github.eproxy.plan.Planner;
import io.github.eproxy.searchspace.Architecture;
import io.github.eproxy.searchspace.SearchSpace;
import io.github.eproxy.util.Tasks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The Eproxy scorer (paper Section 2.1, Listing 1). Construction does the per-configuration work
 * once (image batch, targets); {@link #score} then trains one architecture's backbone with the
 * proxy head for the configured iterations and returns its score. Thread-safe: up to
 * {@code concurrency} calls run at once, each on its own backend of {@code threads} threads.
 * <pre>{@code
 * try (Eproxy eproxy = Eproxy.builder().space(new Nb201()).build()) {
 *     Score s = eproxy.score("|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|nor_conv_3x3~1|nor_conv_1x1~2|");
 * }
 * }</pre>
 */
public final class Eproxy implements AutoCloseable {
    private final EproxyConfig config;
    private final SearchSpace space;
    private final int threads;
    private final int concurrency;
    private final float[] images;
    private final float[][] targets;
    private final long maxMacs;
    private final BackendChoice backend;
    private final BlockingQueue<Backend> backends;
    private final List<Backend> all = new ArrayList<>();
    private volatile boolean closed;

    private Eproxy(Builder b) {
        this.config = b.config != null ? b.config : EproxyConfig.defaultFor(b.space);
        this.space = b.space;
        this.threads = b.threads;
        this.concurrency = b.concurrency;
        // First, so that an unusable --backend cuda fails before the teacher network runs.
        this.backend = b.backend.resolve(note -> System.err.println("eproxy: " + note));
        this.images = config.inputBatch();
        this.targets = new float[config.branches().size()][];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = Targets.of(config.branches().get(i), images, config.batchSize(), config.seed() + i, threads);
        }
        this.maxMacs = config.alpha() == 0 ? 0 : space.maxMacs();
        this.backends = new ArrayBlockingQueue<>(b.concurrency);
        try {
            for (int i = 0; i < b.concurrency; i++) {
                Backend engine = backend.open(threads);
                all.add(engine);
                backends.add(engine);
            }
        } catch (RuntimeException | Error e) {
            all.forEach(Backend::close); // the caller gets no scorer to close
            throw e;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public EproxyConfig config() {
        return config;
    }

    /** The engine in use: {@code CPU} or {@code CUDA} ({@code AUTO} is resolved at build time). */
    public BackendChoice backend() {
        return backend;
    }

    public SearchSpace space() {
        return space;
    }

    public Score score(String arch) {
        return score(space.parse(arch));
    }

    /**
     * @throws IllegalArgumentException when {@code arch} is not of this scorer's space and width: its
     *     configuration and FLOPs normalisation belong to that space
     */
    public Score score(Architecture arch) {
        requireOwn(arch);
        long start = System.nanoTime();
        Network n = network(arch);
        long params = n.net.paramCount(n.backboneEnd);
        long macs = n.net.macsPerImage(n.backboneEnd);
        if (n.net.isInputIndependent()) {
            return new Score(arch.id(), Double.POSITIVE_INFINITY, Double.NaN, new double[0], macs, params, true, false,
                    (System.nanoTime() - start) / 1e6);
        }
        LossCurve curve = train(n.net);
        double loss = curve.lastEval();
        boolean diverged = curve.diverged();
        double mixed = maxMacs == 0 ? loss : loss * (1 - config.alpha() * macs / (double) maxMacs);
        return new Score(arch.id(), diverged ? Double.POSITIVE_INFINITY : mixed, loss, curve.eval(), macs, params,
                false, diverged, (System.nanoTime() - start) / 1e6);
    }

    /**
     * Scores {@code archs}, up to {@code concurrency} at once, handing each score to {@code onEach}
     * as it finishes (on the scoring thread); returns the scores in the order of {@code archs}. After a
     * failure, in scoring or in {@code onEach}, no further architecture starts; those in training finish
     * and reach {@code onEach}, and then the failure is rethrown.
     */
    public List<Score> scoreAll(List<? extends Architecture> archs, Consumer<Score> onEach) {
        List<Supplier<Score>> tasks = new ArrayList<>();
        for (Architecture a : archs) {
            tasks.add(() -> {
                Score s = score(a);
                onEach.accept(s);
                return s;
            });
        }
        return Tasks.runAll(concurrency, "eproxy-score", tasks);
    }

    /** The backbone plus the proxy head, and the id of the first head node. */
    record Network(Net net, int backboneEnd) {
    }

    Network network(Architecture arch) {
        NetBuilder b = new NetBuilder(new Shape(config.batchSize(), 3, 32, 32)).init(config.netInit());
        int[] taps = arch.build(b);
        int backboneEnd = b.size();
        for (int i = 0; i < config.branches().size(); i++) {
            Branch br = config.branches().get(i);
            b.scope("branch" + i);
            int x = taps[br.tap()];
            Shape s = b.shape(x);
            if (s.h() != Targets.SIDE || s.w() != Targets.SIDE) {
                x = b.resize(x, Targets.SIDE, Targets.SIDE);
            }
            int k = br.transformKernel();
            int t = b.batchNorm(b.relu(b.conv(x, br.midChannels(), k, 1, k / 2, true)), true);
            b.frozen(true).init(config.barrierInit());
            int kb = br.barrierKernel();
            int prediction = b.conv(t, br.outChannels(), kb, 1, kb / 2, true);
            b.frozen(false).init(config.netInit());
            b.mseLoss(prediction, i, 1.0 / (1 << i));
        }
        return new Network(b.build(), backboneEnd);
    }

    private LossCurve train(Net net) {
        Backend engine;
        try {
            do {
                engine = backends.poll(100, TimeUnit.MILLISECONDS);
                if (closed) {
                    if (engine != null) {
                        backends.add(engine); // close() is waiting for it
                    }
                    throw new IllegalStateException("this Eproxy is closed");
                }
            } while (engine == null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a backend", e);
        }
        try {
            return engine.train(trainingRun(net, threads));
        } finally {
            backends.add(engine);
        }
    }

    /**
     * Exactly the training {@link #score} runs for {@code arch}: the backbone with the proxy head,
     * planned for {@code threads} threads, its initial parameters, the image batch, the synthetic
     * targets, the optimiser and the iteration count. Another engine given this run trains the
     * same thing (the libtorch reference in bench/ does).
     */
    public TrainingRun trainingRun(Architecture arch, int threads) {
        requireOwn(arch);
        return trainingRun(network(arch).net, threads);
    }

    private void requireOwn(Architecture arch) {
        if (!space.contains(arch)) {
            throw new IllegalArgumentException("architecture " + arch.id() + " is not of this scorer's space, " + space);
        }
    }

    private TrainingRun trainingRun(Net net, int planThreads) {
        Plan plan = new Planner(planThreads, true).plan(net);
        SgdSettings sgd = new SgdSettings((float) config.lr(), (float) config.momentum(), (float) config.weightDecay());
        return new TrainingRun(plan, ParamInit.initialValues(plan, config.seed()), images, targets, sgd, config.iterations());
    }

    /** Peak native memory held by the backends, in bytes. */
    public long nativeBytes() {
        long sum = 0;
        for (Backend engine : all) {
            sum += engine.nativeBytes();
        }
        return sum;
    }

    /**
     * Closes the backends. Trainings still running on other threads finish first: closing a backend
     * under one would free memory it is using. Scoring after this throws {@link IllegalStateException}.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        boolean interrupted = false;
        for (int i = 0; i < all.size(); i++) {
            while (true) {
                try {
                    backends.take().close();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Settings of a scorer; everything has a default. */
    public static final class Builder {
        /** Null: {@link EproxyConfig#defaultFor} the space. */
        private EproxyConfig config;
        private SearchSpace space = SearchSpace.named("nb201");
        private int threads = Runtime.getRuntime().availableProcessors();
        private int concurrency = 1;
        private BackendChoice backend = BackendChoice.CPU;

        public Builder config(EproxyConfig value) {
            this.config = value;
            return this;
        }

        public Builder space(SearchSpace value) {
            this.space = value;
            return this;
        }

        /**
         * Threads per architecture (default: all processors). More threads than cores only slow a run down:
         * an architecture's threads spin while they wait for each other.
         */
        public Builder threads(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + value);
            }
            this.threads = value;
            return this;
        }

        /** Architectures scored at once (default 1). */
        public Builder concurrency(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("concurrency must be >= 1, got " + value);
            }
            this.concurrency = value;
            return this;
        }

        /** The training engine (default: CPU); {@code AUTO} and {@code CUDA} are resolved when the scorer is built. */
        public Builder backend(BackendChoice value) {
            this.backend = value;
            return this;
        }

        public Eproxy build() {
            return new Eproxy(this);
        }
    }
}
