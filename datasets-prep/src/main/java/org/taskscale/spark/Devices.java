package org.taskscale.spark;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.util.CollectionAccumulator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskscale.layers.Backend;

/**
 * Binds each Spark task that runs a network to the GPU Spark assigned it ({@code spark.task.resource.gpu.amount},
 * read from {@link TaskContext#resourcesJMap()}), before the task builds or loads the network: ND4J places a
 * thread's arrays on that thread's device, so without the binding every executor of a node would work on device 0.
 * On the CPU backend the binding is a logged no-op (the address is still recorded, so a run on fake GPU addresses
 * shows what a GPU cluster would do).
 */
public final class Devices {
    private static final Logger LOG = LoggerFactory.getLogger(Devices.class);
    /** Spark's resource name for GPUs (spark.executor.resource.gpu.*, the discovery script's "name"). */
    public static final String GPU = "gpu";
    /** What this JVM has already said once (a no-op binding, a task without a GPU). */
    private static final Set<String> SAID = ConcurrentHashMap.newKeySet();
    /** The task attempt each task thread last bound for (threads are pooled and reused across tasks). */
    private static final ThreadLocal<Long> BOUND_FOR = new ThreadLocal<>();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Devices() {}

    /**
     * Where a task ran: the executor, its host, the task attempt, the GPU address Spark gave it (null: none) and
     * the ND4J device its thread works on ({@code cuda:N}, or {@code cpu}).
     */
    public record Binding(String executor, String host, long task, String gpu, String device) implements Serializable {
        /** Where it ran, whatever the task: executor, host and GPU (the key records are told apart by). */
        List<String> placement() {
            return Arrays.asList(executor, host, gpu);
        }

        /** For job consoles: "executor 1 on host, task 7: GPU 0, ND4J device cuda:0". */
        public String line() {
            return "executor " + executor + " on " + host + (task >= 0 ? ", task " + task : "") + ": GPU "
                    + (gpu == null ? "none" : gpu) + ", ND4J device " + device;
        }
    }

    /**
     * Binds the current task thread to its GPU, once per task attempt; null outside a Spark task (on the driver),
     * and when this thread already bound for this task.
     */
    public static Binding bind() {
        TaskContext tc = TaskContext.get();
        if (tc == null || Long.valueOf(tc.taskAttemptId()).equals(BOUND_FOR.get())) {
            return null;
        }
        BOUND_FOR.set(tc.taskAttemptId());
        ResourceInformation r = tc.resourcesJMap().get(GPU);
        String[] addresses = r == null ? new String[0] : r.addresses();
        String gpu = addresses.length == 0 ? null : addresses[0];
        if (addresses.length > 1) {
            once("many:" + addresses.length, "devices: tasks are given " + addresses.length + " GPUs "
                    + Arrays.toString(addresses) + "; a network runs on one, so each task uses its first. Set"
                    + " spark.task.resource.gpu.amount to 1 (or a fraction) to use the others.");
        }
        String executor = SparkEnv.get() != null ? SparkEnv.get().executorId() : "driver";
        String device = bindThread(gpu, "task " + tc.taskAttemptId() + " on executor " + executor);
        return new Binding(executor, host(), tc.taskAttemptId(), gpu, device);
    }

    /** Where the driver's own thread works (single-process training, local mode): no GPU assignment by Spark. */
    public static Binding driver() {
        return new Binding("driver", host(), -1, null, currentDevice());
    }

    private static String bindThread(String gpu, String who) {
        Backend backend = Backend.current();
        if (gpu == null) {
            if (backend == Backend.CUDA) {
                once("unassigned", "devices: Spark assigned no GPU to " + who + "; ND4J picks a device per thread."
                        + " Submit with deploy/submit --gpus-per-executor N so that each task gets its own GPU.");
            }
            return currentDevice();
        }
        if (backend != Backend.CUDA) {
            once("cpu:" + gpu, "devices: " + who + " was given GPU " + gpu + "; the ND4J backend is the CPU,"
                    + " so nothing is bound (build with mvn -Pcuda to run on the GPU).");
            return "cpu";
        }
        int ordinal = ordinal(gpu, System.getenv("CUDA_VISIBLE_DEVICES"));
        int count = Nd4j.getAffinityManager().getNumberOfDevices();
        if (ordinal >= count) {
            throw new IllegalStateException("Spark gave " + who + " GPU " + gpu + ", which is CUDA device " + ordinal
                    + ", but ND4J sees only " + count + " device(s). Check the discovery script's addresses against"
                    + " nvidia-smi and CUDA_VISIBLE_DEVICES on that node.");
        }
        Nd4j.getAffinityManager().unsafeSetDevice(ordinal);
        once("bound:" + gpu, "devices: " + who + " works on GPU " + gpu + " (CUDA device " + ordinal + ")");
        return "cuda:" + ordinal;
    }

    /**
     * The CUDA device ordinal of a GPU address Spark assigned. Spark's addresses are what the discovery script
     * printed (nvidia-smi indices, in PCI bus order: deploy/submit sets CUDA_DEVICE_ORDER=PCI_BUS_ID so that CUDA
     * counts the same way). Where the node restricts the process to some GPUs ({@code CUDA_VISIBLE_DEVICES}, as
     * YARN and container runtimes do), CUDA renumbers them from 0 in that list's order.
     */
    public static int ordinal(String address, String visibleDevices) {
        String a = address.trim();
        if (visibleDevices != null && !visibleDevices.isBlank()) {
            List<String> visible = Arrays.stream(visibleDevices.split(",")).map(String::trim).toList();
            int i = visible.indexOf(a);
            if (i >= 0) {
                return i;
            }
            Integer n = integer(a);
            if (n != null && n < visible.size()) {
                return n;  // already an ordinal among the visible devices (a discovery script run inside the container)
            }
            throw new IllegalArgumentException("The GPU address " + a + " is neither among CUDA_VISIBLE_DEVICES="
                    + visibleDevices + " nor an index below its " + visible.size() + " entries; make the discovery"
                    + " script print the addresses CUDA_VISIBLE_DEVICES names.");
        }
        Integer n = integer(a);
        if (n == null || n < 0) {
            throw new IllegalArgumentException("The GPU address " + a + " is not a device index (0, 1, ...); make the"
                    + " discovery script print nvidia-smi's indices, as deploy/gpu-discovery does.");
        }
        return n;
    }

    private static Integer integer(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String currentDevice() {
        return Backend.current() == Backend.CUDA ? "cuda:" + Nd4j.getAffinityManager().getDeviceForCurrentThread() : "cpu";
    }

    private static String host() {
        SparkEnv env = SparkEnv.get();
        if (env != null && env.blockManager() != null && env.blockManager().blockManagerId() != null) {
            return env.blockManager().blockManagerId().host();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void once(String key, String line) {
        if (SAID.add(key)) {
            LOG.info(line);
        }
    }

    /**
     * Binds tasks and collects their bindings on the driver (a Spark accumulator): register it on the driver, call
     * {@link #bind()} first thing in each task that runs a network, read {@link #distinct()} on the driver.
     */
    public static final class Recorder implements Serializable {
        private final CollectionAccumulator<Binding> bindings;

        private Recorder(CollectionAccumulator<Binding> bindings) {
            this.bindings = bindings;
        }

        public static Recorder register(JavaSparkContext sc) {
            return new Recorder(sc.sc().collectionAccumulator("taskscale devices"));
        }

        /** In a task: binds its thread (see {@link Devices#bind()}) and records where it ran. */
        public void bind() {
            Binding b = Devices.bind();
            if (b != null) {
                bindings.add(b);
            }
        }

        /** On the driver: the bindings so far, one per executor, host and GPU (the first task of each). */
        public List<Binding> distinct() {
            Map<List<String>, Binding> first = new LinkedHashMap<>();
            List<Binding> all = new ArrayList<>(bindings.value());
            all.sort((x, y) -> Long.compare(x.task(), y.task()));
            for (Binding b : all) {
                first.putIfAbsent(b.placement(), b);
            }
            return new ArrayList<>(first.values());
        }
    }

    /** Bindings as a JSON list of records (devices.json). */
    public static String toJson(List<Binding> bindings) {
        try {
            return JSON.writeValueAsString(bindings) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bindings of a devices.json; an empty list for null. */
    public static List<Binding> fromJson(String json) throws IOException {
        if (json == null || json.isBlank()) {
            return new ArrayList<>();
        }
        return new ArrayList<>(JSON.readValue(json, new TypeReference<List<Binding>>() {}));
    }

    /** {@code old} followed by the bindings of {@code more} with an executor, host and GPU not in it. */
    public static List<Binding> merge(List<Binding> old, List<Binding> more) {
        List<Binding> out = new ArrayList<>(old);
        for (Binding b : more) {
            if (out.stream().noneMatch(o -> o.placement().equals(b.placement()))) {
                out.add(b);
            }
        }
        return out;
    }
}
