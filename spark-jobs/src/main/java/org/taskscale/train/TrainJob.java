package org.taskscale.train;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;
import org.taskscale.config.ConfigException;
import org.taskscale.config.TaskscaleConfig;
import org.taskscale.io.Digests;
import org.taskscale.io.Manifest;
import org.taskscale.io.ModelFile;
import org.taskscale.io.ModelZoo;
import org.taskscale.io.OutputGuard;
import org.taskscale.models.Architecture;
import org.taskscale.models.ModelConfig;
import org.taskscale.models.ModelRegistry;
import org.taskscale.spark.Devices;

/**
 * The training job: a prep output, a registered architecture, an optimiser and a budget in; a run directory
 * with checkpoints, metrics and the best model out. A run directory that holds a checkpoint resumes from the
 * newest one that loads (epoch, position in the epoch's file order, iteration, updater state).
 */
public final class TrainJob {
    private TrainJob() {}

    public static final String METRICS_HEADER = "iteration,epoch,loss,loss_terms,learning_rate,samples_per_s,valid_psnr_y,"
            + "valid_ssim_y,baseline_psnr_y,baseline_ssim_y,lr_psnr_y";

    /**
     * How a run starts: {@code fresh} refuses a run directory with checkpoints; {@code load} starts a new run from
     * a model zip (TAR's --load); {@code validOnly} only validates the loaded model (TAR's --valid_only).
     */
    public record Options(boolean fresh, String load, boolean validOnly) {
        public static final Options DEFAULT = new Options(false, null, false);
    }

    /** Runs training; returns the final state. {@code fresh}: refuse to reuse a run directory with checkpoints. */
    public static TrainState run(Config config, JavaSparkContext sc, boolean fresh, PrintWriter out) throws IOException {
        return run(config, sc, new Options(fresh, null, false), out);
    }

    /** Runs training (or only validation) as {@code opts} says; returns the final state. */
    public static TrainState run(Config config, JavaSparkContext sc, Options opts, PrintWriter out) throws IOException {
        org.taskscale.spark.PeakMemory.track();
        org.taskscale.spark.NativeMemory.collectPeriodically();
        Plan plan = plan(config, sc != null ? sc.hadoopConfiguration() : new Configuration(), opts, out);
        Start start = start(plan, config, opts, out);
        if (opts.validOnly()) {
            return validateOnly(plan, start, out);
        }
        String kept = keptSchedule(plan.run().readString("config.conf"), config, start.state());
        if (kept != null) {
            out.println(kept);
        }
        plan.run().writeString("config.conf", TaskscaleConfig.render(config, false));
        // the rows written up to the checkpoint this run starts from; later ones are about to be trained again
        String old = plan.run().readString("metrics.csv");
        List<String> metrics = start.state().metricsUpTo(old == null ? List.of() : old.lines().skip(1).toList());
        Manifest.Settings made = plan.manifest().settings();
        out.printf(Locale.ROOT, "train: %d training and %d validation batch files of %d (%s, patch %d), mode %s%n",
                plan.train().size(), plan.valid().size(), made.minibatch(), made.task(), made.patchSize(),
                plan.t().mode().name().toLowerCase(Locale.ROOT));
        out.flush();
        try (Trainer trainer = plan.t().usesSpark()
                ? new SparkAveragingTrainer(sc, start.net(), plan.t(), made.minibatch(), plan.run().root() + "/export")
                : new SingleProcessTrainer(start.net(), plan.conf())) {
            TrainState state = new Loop(plan, trainer, metrics, out).run(start.state());
            RunDir run = plan.run();
            if (state.validations().isEmpty() || !run.exists("model.zip")) {
                run.replace(new Path(run.root(), "model.zip"), run.zip(trainer.network()));
            }
            out.printf(Locale.ROOT, "train: done at epoch %d, iteration %d; %s; model %s%n", state.epoch(),
                    state.iteration(), Double.isNaN(state.bestPsnr()) ? "no validation ran, so model.zip is the last state"
                            : String.format(Locale.ROOT, "best validation PSNR-Y %.2f dB", state.bestPsnr()),
                    new Path(run.root(), "model.zip"));
            out.printf(Locale.ROOT, "train: peak memory of this process: %s%n", org.taskscale.spark.PeakMemory.describe());
            out.flush();
            return state;
        }
    }

    /**
     * What a run works from, checked before anything is trained: the configuration, the prep output (which must
     * feed the model), its batch files and the run directory, which reads none of the inputs.
     */
    record Plan(TrainConfig t, ModelConfig m, Architecture arch, Configuration conf, Manifest manifest, List<String> train,
                List<String> valid, RunDir run, String hash) {}

    private static Plan plan(Config config, Configuration conf, Options opts, PrintWriter out) throws IOException {
        TrainConfig t = TrainConfig.from(config);
        ModelConfig m = ModelConfig.from(config);
        Architecture arch = ModelRegistry.get(m.name());
        List<OutputGuard.Input> read = new ArrayList<>(List.of(new OutputGuard.Input(t.data(), TrainConfig.PATH + ".data")));
        if (opts.load() != null) {
            read.add(new OutputGuard.Input(opts.load(), "--load"));
        }
        OutputGuard.check("The run directory (" + TrainConfig.PATH + ".runs-root and .experiment)", t.runDir(), read, conf);
        Path data = new Path(t.data());
        FileSystem dfs = data.getFileSystem(conf);
        Manifest manifest = readManifest(dfs, data);
        check(manifest, arch, m);
        List<String> train = batchFiles(dfs, new Path(data, manifest.contents().trainDir()));
        List<String> valid = batchFiles(dfs, new Path(data, manifest.contents().validDir()));
        if (train.isEmpty()) {
            throw new ConfigException(TrainConfig.PATH + ".data: " + data + " has no training batch files.");
        }
        if (t.validBatches() > 0 && valid.size() > t.validBatches()) {
            valid = valid.subList(0, t.validBatches());
        }
        RunDir run = new RunDir(t.runDir(), conf, ModelFile.Info.of(m));
        if (run.removedLeftovers() > 0) {
            out.printf(Locale.ROOT, "train: removed %d file(s) that an interrupted write left in %s%n",
                    run.removedLeftovers(), run.root());
        }
        String hash = hash(config.getConfig("taskscale.model").root().render(com.typesafe.config.ConfigRenderOptions.concise())
                + manifest.contents().inputListSha256());
        return new Plan(t, m, arch, conf, manifest, train, valid, run, hash);
    }

    /** The network and state a run starts from. */
    private record Start(ComputationGraph net, TrainState state) {}

    /**
     * The resume policy: the newest checkpoint of the run directory (refused under {@code --fresh}, or when it was
     * trained with another model block or data); else the {@code --load} model; else a new network.
     */
    private static Start start(Plan plan, Config config, Options opts, PrintWriter out) throws IOException {
        RunDir run = plan.run();
        RunDir.Loaded loaded = run.hasCheckpoints() ? run.latest(out) : null;
        if (loaded != null && opts.fresh()) {
            throw new ConfigException("The run directory " + run.root() + " already holds checkpoints and --fresh was"
                    + " given: choose another taskscale.train.experiment or remove it.");
        }
        if (loaded != null) {
            if (!loaded.state().configHash().equals(plan.hash())) {
                throw new ConfigException("The checkpoint " + loaded.name() + " in " + run.root() + " was trained with"
                        + " another taskscale.model block or data; use another taskscale.train.experiment.");
            }
            out.printf(Locale.ROOT, "train: resuming %s from %s (epoch %d, iteration %d)%n", run.root(), loaded.name(),
                    loaded.state().epoch() + 1, loaded.state().iteration());
            return new Start(loaded.net(), loaded.state());
        }
        ComputationGraph net = ModelRegistry.build(plan.m(), updater(plan.t()), lrMultipliers(config));
        if (opts.load() != null) {
            ComputationGraph loadedNet;
            try (InputStream in = ModelZoo.open(opts.load(), plan.conf())) {
                loadedNet = org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(in, true);
            } catch (IOException | RuntimeException e) {
                throw new ConfigException("--load " + opts.load() + ": not a model this build can read (" + e.getMessage()
                        + ").");
            }
            if (WeightTransfer.into(loadedNet, net)) {
                out.printf(Locale.ROOT, "train: new run %s: %s with the weights of %s, %,d parameters%n", run.root(),
                        plan.m().name(), opts.load(), net.numParams());
            } else {
                net = loadedNet;
                out.printf(Locale.ROOT, "train: new run %s from %s as it was saved (its parameters do not match the"
                        + " configured %s), %,d parameters%n", run.root(), opts.load(), plan.m().name(), net.numParams());
            }
        } else {
            out.printf(Locale.ROOT, "train: new run %s: %s, %,d parameters%n", run.root(), plan.m().name(), net.numParams());
        }
        return new Start(net, TrainState.start(plan.hash()));
    }

    /** {@code --valid-only}: the start model on the validation split, printed; nothing is written. */
    private static TrainState validateOnly(Plan plan, Start start, PrintWriter out) throws IOException {
        if (plan.valid().isEmpty()) {
            throw new ConfigException(TrainConfig.PATH + ".data: " + plan.t().data() + " has no validation batch files.");
        }
        TrainState state = start.state();
        Validation.Result r = Validation.run(start.net(), plan.valid(), plan.arch().task(),
                plan.manifest().settings().scale(), plan.m().layout(), plan.conf(), state.iteration(), state.epoch() + 1);
        out.printf(Locale.ROOT, "valid: %d examples: PSNR-Y %.2f dB (baseline %.2f, %+.2f), SSIM-Y %.4f (baseline %.4f)%s%n",
                r.examples(), r.psnrY(), r.baselinePsnrY(), r.psnrY() - r.baselinePsnrY(), r.ssimY(), r.baselineSsimY(),
                Double.isNaN(r.lrPsnrY()) ? "" : String.format(Locale.ROOT, ", LR preview %.2f dB", r.lrPsnrY()));
        out.flush();
        return state.validated(r);
    }

    /** One row of metrics.csv: a training step's figures or a validation's ({@link #METRICS_HEADER}'s columns). */
    record MetricsRow(long iteration, int epoch, double loss, String lossTerms, double learningRate, double samplesPerS,
                      Validation.Result valid) {
        static MetricsRow step(long iteration, int epoch, double loss, String lossTerms, double learningRate,
                               double samplesPerS) {
            return new MetricsRow(iteration, epoch, loss, lossTerms, learningRate, samplesPerS, null);
        }

        static MetricsRow validation(Validation.Result r) {
            return new MetricsRow(r.iteration(), r.epoch(), Double.NaN, null, Double.NaN, Double.NaN, r);
        }

        String csv() {
            if (valid == null) {
                return String.format(Locale.ROOT, "%d,%d,%.6g,%s,%.6g,%.2f,,,,,", iteration, epoch, loss, lossTerms,
                        learningRate, samplesPerS);
            }
            return String.format(Locale.ROOT, "%d,%d,,,,,%.4f,%.5f,%.4f,%.5f,%s", iteration, epoch, valid.psnrY(),
                    valid.ssimY(), valid.baselinePsnrY(), valid.baselineSsimY(),
                    Double.isNaN(valid.lrPsnrY()) ? "" : String.format(Locale.ROOT, "%.4f", valid.lrPsnrY()));
        }
    }

    /**
     * The training loop: chunks of batch files in each epoch's seeded order until the budget is spent, with
     * validation and checkpoints when due and at every epoch's end.
     */
    private static final class Loop {
        private final Plan plan;
        private final Trainer trainer;
        private final List<String> metrics;
        private final PrintWriter out;
        private final long start = System.nanoTime();
        private long lastCheckpoint = start;
        private long lastValid = start;
        private long lastCheckpointIteration;
        private int devicesSeen;

        Loop(Plan plan, Trainer trainer, List<String> metrics, PrintWriter out) {
            this.plan = plan;
            this.trainer = trainer;
            this.metrics = metrics;
            this.out = out;
        }

        TrainState run(TrainState state) throws IOException {
            TrainConfig t = plan.t();
            int chunk = trainer.filesPerFit();
            org.nd4j.linalg.dataset.MultiDataSet probe = probe(plan.train().get(0), plan.conf());
            lastCheckpointIteration = state.iteration();
            long startIteration = state.iteration();
            boolean stop = false;
            while (!stop && !budgetDone(t, state, start)) {
                List<String> order = order(plan.train(), t.seed(), state.epoch());
                while (state.fileInEpoch() < order.size() && !budgetDone(t, state, start)) {
                    int n = Math.min(chunk, order.size() - state.fileInEpoch());
                    if (t.iterations() > 0) {
                        n = (int) Math.min(n, t.iterations() - state.iteration());
                    }
                    state = step(state, order.subList(state.fileInEpoch(), state.fileInEpoch() + n), probe, startIteration);
                    long now = System.nanoTime();
                    if (t.validMinutes() > 0 && now - lastValid > t.validMinutes() * 60e9 && !plan.valid().isEmpty()) {
                        state = validate(state);
                    }
                    // a periodic checkpoint that falls on the epoch's end waits for the epoch-end one just after
                    boolean epochGoesOn = state.fileInEpoch() < order.size() && !budgetDone(t, state, start);
                    if (epochGoesOn && ((t.checkpointIterations() > 0
                            && state.iteration() - lastCheckpointIteration >= t.checkpointIterations())
                            || (t.checkpointMinutes() > 0 && now - lastCheckpoint > t.checkpointMinutes() * 60e9))) {
                        checkpoint(state);
                    }
                }
                if (state.fileInEpoch() >= order.size()) {
                    if (!plan.valid().isEmpty()) {
                        state = validate(state);
                    }
                    state = state.nextEpoch();
                } else {
                    // a time or iteration budget ended the run inside an epoch: with periodic validation on, the
                    // final weights are validated too, so that model.zip can be the run's last state
                    if (t.validMinutes() > 0 && !plan.valid().isEmpty() && !validatedAt(state)) {
                        state = validate(state);
                    }
                    stop = true;
                }
                checkpoint(state);
            }
            return state;
        }

        /** Trains on {@code files}, records the metrics row and prints the progress line (loss, rate, ETA). */
        private TrainState step(TrainState state, List<String> files, org.nd4j.linalg.dataset.MultiDataSet probe,
                                long startIteration) throws IOException {
            TrainConfig t = plan.t();
            int minibatch = plan.manifest().settings().minibatch();
            long c0 = System.nanoTime();
            trainer.fit(files);
            double secs = (System.nanoTime() - c0) / 1e9;
            recordDevices();
            int n = files.size();
            TrainState next = state.advanced(n, (long) n * minibatch);
            double rate = n * minibatch / secs;
            double lr = t.learningRate() * (t.lrDecayIterations() > 0
                    ? Math.pow(t.lrDecayFactor(), next.iteration() / t.lrDecayIterations()) : 1);
            String terms = lossTerms(trainer.network(), probe, plan.arch());
            metrics.add(MetricsRow.step(next.iteration(), next.epoch() + 1, trainer.score(), terms, lr, rate).csv());
            out.printf(Locale.ROOT, "train: epoch %d, iteration %d, loss %.5g (%s), %.1f samples/s, %s%s%n",
                    next.epoch() + 1, next.iteration(), trainer.score(), terms.replace(';', ' '), rate,
                    eta(t, next, start, plan.train().size(), startIteration),
                    next.validations().isEmpty() ? "" : String.format(Locale.ROOT, ", last valid PSNR-Y %.2f dB",
                            next.validations().get(next.validations().size() - 1).psnrY()));
            out.flush();
            return next;
        }

        /**
         * Adds the executors, hosts and GPUs that trained to the run's devices.json (after those of earlier runs in
         * this directory) when a new one appears, and says where they are.
         */
        private void recordDevices() throws IOException {
            List<Devices.Binding> now = trainer.devices();
            if (now.size() <= devicesSeen) {
                return;
            }
            List<Devices.Binding> fresh = now.subList(devicesSeen, now.size());
            devicesSeen = now.size();
            RunDir run = plan.run();
            run.writeString("devices.json", Devices.toJson(Devices.merge(Devices.fromJson(run.readString("devices.json")), fresh)));
            for (Devices.Binding b : fresh) {
                out.println("train: " + b.line());
            }
            out.flush();
        }

        private static boolean validatedAt(TrainState state) {
            var v = state.validations();
            return !v.isEmpty() && v.get(v.size() - 1).iteration() == state.iteration();
        }

        private TrainState validate(TrainState state) throws IOException {
            TrainState next = TrainJob.validate(plan, trainer.network(), state, metrics, out);
            lastValid = System.nanoTime();
            return next;
        }

        private void checkpoint(TrainState state) throws IOException {
            TrainJob.checkpoint(plan.run(), trainer.network(), state, metrics, plan.t(), out);
            lastCheckpoint = System.nanoTime();
            lastCheckpointIteration = state.iteration();
        }
    }

    private static TrainState validate(Plan plan, ComputationGraph net, TrainState state, List<String> metrics,
                                       PrintWriter out) throws IOException {
        Validation.Result r = Validation.run(net, plan.valid(), plan.arch().task(), plan.manifest().settings().scale(),
                plan.m().layout(), plan.conf(), state.iteration(), state.epoch() + 1);
        if (r == null) {
            return state;
        }
        boolean best = Double.isNaN(state.bestPsnr()) || r.psnrY() > state.bestPsnr();
        TrainState next = state.validated(r);
        metrics.add(MetricsRow.validation(r).csv());
        out.printf(Locale.ROOT, "train: validation at iteration %d: PSNR-Y %.2f dB (baseline %.2f, %+.2f), SSIM-Y %.4f"
                        + " (baseline %.4f)%s%s%n", r.iteration(), r.psnrY(), r.baselinePsnrY(), r.psnrY() - r.baselinePsnrY(),
                r.ssimY(), r.baselineSsimY(), Double.isNaN(r.lrPsnrY()) ? ""
                        : String.format(Locale.ROOT, ", LR preview %.2f dB vs bicubic LR", r.lrPsnrY()),
                best ? " (best so far: model.zip)" : "");
        out.flush();
        if (best) {
            plan.run().replace(new Path(plan.run().root(), "model.zip"), plan.run().zip(net));
        }
        return next;
    }

    /**
     * Writes metrics.csv, then the checkpoint that records how many of its rows it covers: a kill between the two
     * leaves rows that the resumed run cuts off and writes again.
     */
    private static void checkpoint(RunDir run, ComputationGraph net, TrainState state, List<String> metrics,
                                   TrainConfig t, PrintWriter out) throws IOException {
        run.writeString("metrics.csv", METRICS_HEADER + "\n" + String.join("\n", metrics) + (metrics.isEmpty() ? "" : "\n"));
        String name = run.save(net, state.withMetricsRows(metrics.size()));
        run.prune(t.keep());
        out.printf(Locale.ROOT, "train: checkpoint %s%n", name);
        out.flush();
    }

    private static boolean budgetDone(TrainConfig t, TrainState s, long start) {
        return (t.epochs() > 0 && s.epoch() >= t.epochs()) || (t.iterations() > 0 && s.iteration() >= t.iterations())
                || (t.minutes() > 0 && System.nanoTime() - start > t.minutes() * 60e9);
    }

    /** Iterations of the budget, and the time left at this run's pace (or the minutes budget's, if sooner). */
    private static String eta(TrainConfig t, TrainState s, long start, int filesPerEpoch, long startIteration) {
        double secs = (System.nanoTime() - start) / 1e9;
        long total = t.iterations() > 0 ? t.iterations() : t.epochs() > 0 ? (long) t.epochs() * filesPerEpoch : -1;
        double left = Double.POSITIVE_INFINITY;
        if (total > 0 && s.iteration() > startIteration) {
            left = secs / (s.iteration() - startIteration) * Math.max(0, total - s.iteration());
        }
        if (t.minutes() > 0) {
            left = Math.min(left, Math.max(0, t.minutes() * 60 - secs));
        }
        String it = total > 0 ? String.format(Locale.ROOT, "%d/%d iterations", s.iteration(), total)
                : s.iteration() + " iterations";
        return Double.isInfinite(left) ? it : String.format(Locale.ROOT, "%s, ETA %dm%02ds", it, (long) left / 60,
                (long) left % 60);
    }

    /** A fixed minibatch on which each output's loss is reported (the first training file). */
    private static org.nd4j.linalg.dataset.MultiDataSet probe(String file, Configuration conf) throws IOException {
        Path p = new Path(file);
        try (InputStream in = p.getFileSystem(conf).open(p)) {
            return org.taskscale.io.BatchFile.read(in);
        }
    }

    /** Each output's weighted loss on the probe batch, as {@code name=value;...}. */
    private static String lossTerms(ComputationGraph net, org.nd4j.linalg.dataset.MultiDataSet probe, Architecture arch) {
        net.score(probe);
        StringBuilder sb = new StringBuilder();
        String[] names = arch.task().outputNames();
        for (String n : names) {
            if (sb.length() > 0) {
                sb.append(';');
            }
            sb.append(n).append('=').append(String.format(Locale.ROOT, "%.5g", net.getLayer(n).score()));
        }
        return sb.toString();
    }

    /** The epoch's file order: a shuffle seeded by the seed and the epoch (the same on resume). */
    static List<String> order(List<String> files, long seed, int epoch) {
        List<String> o = new ArrayList<>(files);
        Collections.shuffle(o, new Random(seed * 1_000_003L + epoch));
        return o;
    }

    static java.util.Map<String, Double> lrMultipliers(Config config) {
        java.util.Map<String, Double> m = new java.util.TreeMap<>();
        Config c = config.getConfig(TrainConfig.PATH + ".lr-multipliers");
        for (var e : c.entrySet()) {
            try {
                m.put(e.getKey().replace("\"", ""), c.getDouble(e.getKey()));
            } catch (com.typesafe.config.ConfigException ex) {
                throw new ConfigException(TrainConfig.PATH + ".lr-multipliers." + e.getKey() + " must be a number.");
            }
        }
        return m;
    }

    /** The keys of the learning-rate schedule, which a checkpoint's updater carries with it. */
    private static final List<String> SCHEDULE = List.of("optimizer", "learning-rate", "lr-decay-iterations",
            "lr-decay-factor");

    /**
     * A resumed run trains on with the updater saved in its checkpoint; when the configuration now sets another
     * schedule, the line that says so (the change takes effect in a new experiment, or one started with --load).
     * Null when nothing changed or the run is new.
     */
    static String keptSchedule(String previousConf, Config now, TrainState state) {
        if (previousConf == null || state.iteration() == 0) {
            return null;
        }
        Config before = com.typesafe.config.ConfigFactory.parseString(previousConf);
        List<String> changed = new ArrayList<>();
        for (String k : SCHEDULE) {
            String key = TrainConfig.PATH + "." + k;
            String a = before.hasPath(key) ? before.getValue(key).unwrapped().toString() : null;
            String b = now.hasPath(key) ? now.getValue(key).unwrapped().toString() : null;
            if (a != null && b != null && !a.equals(b)) {
                changed.add(key + " " + a + " -> " + b);
            }
        }
        return changed.isEmpty() ? null : "train: note: this run resumes with the learning-rate schedule it started with;"
                + " the changed " + String.join(", ", changed) + " takes effect in a new taskscale.train.experiment"
                + " (with --load to start from this run's model.zip).";
    }

    static IUpdater updater(TrainConfig t) {
        ISchedule s = t.lrDecayIterations() > 0
                ? new StepSchedule(ScheduleType.ITERATION, t.learningRate(), t.lrDecayFactor(), t.lrDecayIterations())
                : null;
        if (t.optimizer() == TrainConfig.Optimizer.SGD) {
            return s != null ? new Nesterovs(s, 0.9) : new Nesterovs(t.learningRate(), 0.9);
        }
        return s != null ? new Adam(s) : new Adam(t.learningRate());
    }

    static Manifest readManifest(FileSystem fs, Path data) throws IOException {
        Path p = new Path(data, Manifest.FILE);
        if (!fs.exists(p)) {
            throw new ConfigException(TrainConfig.PATH + ".data: " + data + " is not a prep output (no manifest.json).");
        }
        try (InputStream in = fs.open(p)) {
            return Manifest.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** The prep output must feed the architecture: same task, input channels, scale and layout. */
    static void check(Manifest man, Architecture arch, ModelConfig m) {
        List<String> problems = new ArrayList<>();
        if (!man.settings().modelTask().equals(arch.task().id())) {
            problems.add("it holds " + man.settings().modelTask() + " examples (prep task " + man.settings().task() + "), " + m.name()
                    + " learns " + arch.task());
        }
        if (man.shapes().inputShape().get(0) != arch.inputChannels(m)) {
            problems.add("its inputs have " + man.shapes().inputShape().get(0) + " channels, " + m.name() + " takes "
                    + arch.inputChannels(m));
        }
        if (arch.task().scales() && man.settings().scale() != m.scale()) {
            problems.add("it was made for scale " + man.settings().scale() + ", taskscale.model.scale is " + m.scale());
        }
        if (!man.settings().layout().equals(m.layout().name())) {
            problems.add("its layout is " + man.settings().layout() + ", taskscale.model.layout is " + m.layout());
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("The prep output does not fit model " + m.name() + ": " + String.join("; ", problems)
                    + ".");
        }
    }

    public static List<String> batchFiles(FileSystem fs, Path dir) throws IOException {
        if (!fs.exists(dir)) {
            return List.of();
        }
        FileStatus[] st = fs.listStatus(dir, p -> p.getName().matches("batch-\\d+\\.bin"));
        return Arrays.stream(st).map(s -> s.getPath().toString()).sorted().toList();
    }

    static String hash(String s) {
        return Digests.sha256(s).substring(0, 16);
    }
}
