package io.github.eproxy.bench;

import io.github.eproxy.backend.TrainingRun;
import io.github.eproxy.backend.cpu.CpuBackend;
import io.github.eproxy.proxy.Eproxy;
import io.github.eproxy.proxy.EproxyConfig;
import io.github.eproxy.searchspace.Nb201;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Ours against libtorch the way the command line scores a batch by default: {@code inFlight}
 * architectures at once (the machine's core count), one thread each, so that the engines also share
 * the cores' caches and memory bandwidth as they do in a real run. {@link TorchRatio} times one
 * training run at a time instead, spread over the threads. Each round trains the whole batch (uniform
 * NB201 draws, default configuration) with ours and with libtorch, each engine's workers pulling
 * architectures from one queue, and times the batch's wall clock; the engine that goes first
 * alternates from round to round, after one warm-up round. Prints each round's times and ratio, and
 * the median ratio.
 *
 * <pre>java -cp target/benchmarks.jar io.github.eproxy.bench.TorchThroughput [rounds [sample [seed [inFlight]]]]</pre>
 */
public final class TorchThroughput {
    private TorchThroughput() {
    }

    public static void main(String[] args) throws InterruptedException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int sample = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 0;
        int inFlight = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        Nb201 space = new Nb201();
        List<TrainingRun> runs = new ArrayList<>();
        try (Eproxy eproxy = Eproxy.builder().space(space).config(EproxyConfig.DEFAULT).threads(1).concurrency(1).build()) {
            Archs.uniform(space, sample, seed).forEach(a -> runs.add(eproxy.trainingRun(a, 1)));
        }
        System.out.printf("%d architectures, %d in flight, one thread each%n", sample, inFlight);
        System.out.println("round | ours s | libtorch s | ours / libtorch");
        double[] ratios = new double[rounds];
        for (int round = -1; round < rounds; round++) {
            boolean oursFirst = round % 2 == 0;
            double first = batch(runs, inFlight, oursFirst);
            double second = batch(runs, inFlight, !oursFirst);
            double ours = oursFirst ? first : second;
            double theirs = oursFirst ? second : first;
            if (round >= 0) {
                ratios[round] = ours / theirs;
                System.out.printf("%d | %.1f | %.1f | %.2f%n", round, ours, theirs, ratios[round]);
            }
        }
        System.out.printf("median ratio: %.2f%n", TorchRatio.median(ratios));
    }

    /** Seconds to train every run once, {@code inFlight} at a time, with ours or with libtorch. */
    private static double batch(List<TrainingRun> runs, int inFlight, boolean ours) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] workers = new Thread[inFlight];
        for (int w = 0; w < inFlight; w++) {
            workers[w] = new Thread(() -> {
                if (ours) {
                    try (CpuBackend cpu = new CpuBackend(1)) {
                        drain(runs, next, cpu::train);
                    }
                } else {
                    TorchReference torch = new TorchReference(1);
                    drain(runs, next, torch::train);
                }
            });
            workers[w].setUncaughtExceptionHandler((t, e) -> failure.compareAndSet(null, e));
        }
        long t0 = System.nanoTime();
        for (Thread t : workers) {
            t.start();
        }
        for (Thread t : workers) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a training run failed", failure.get());
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void drain(List<TrainingRun> runs, AtomicInteger next, Consumer<TrainingRun> train) {
        for (int i = next.getAndIncrement(); i < runs.size(); i = next.getAndIncrement()) {
            train.accept(runs.get(i));
        }
    }
}
