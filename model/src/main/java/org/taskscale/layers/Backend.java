package org.taskscale.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.nd4j.linalg.api.environment.Nd4jEnvironment;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ND4J backend this JVM runs on: the CPU build (nd4j-native, oneDNN) or the CUDA build (nd4j-cuda-11.6,
 * {@code mvn -Pcuda}). Code whose fast path depends on where arrays live asks here once: Java-array shortcuts
 * ({@link GemmConvolution}, the resampler's loops) are for the CPU only, since on a GPU each would copy every
 * activation to the host and back.
 */
public enum Backend {
    CPU, CUDA;

    private static volatile Backend current;

    /** The backend ND4J loaded (loading it if nothing has yet). */
    public static Backend current() {
        Backend b = current;
        if (b == null) {
            Object name = Nd4j.getExecutioner().getEnvironmentInformation().getProperty(Nd4jEnvironment.BACKEND_KEY);
            b = "CUDA".equalsIgnoreCase(String.valueOf(name)) ? CUDA : CPU;
            current = b;
        }
        return b;
    }

    /** A device ND4J can run on: its index (the CUDA ordinal; 0 for the CPU), name, compute capability, memory. */
    public record Device(int index, String name, String capability, long totalBytes) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d: %s%s, %.1f GiB", index, name,
                    capability.isEmpty() ? "" : " (compute capability " + capability + ")", totalBytes / (double) (1L << 30));
        }
    }

    /** The devices of this backend as ND4J reports them: the GPUs ND4J sees on CUDA, the host on the CPU. */
    public List<Device> devices() {
        Properties p = Nd4j.getExecutioner().getEnvironmentInformation();
        List<Device> out = new ArrayList<>();
        if (this == CUDA) {
            Object list = p.get(Nd4jEnvironment.CUDA_DEVICE_INFORMATION_KEY);
            if (list instanceof List<?> l) {
                for (Object o : l) {
                    if (o instanceof Map<?, ?> m) {
                        out.add(new Device(out.size(), String.valueOf(m.get(Nd4jEnvironment.CUDA_DEVICE_NAME_KEY)),
                                m.get(Nd4jEnvironment.CUDA_DEVICE_MAJOR_VERSION_KEY) + "."
                                        + m.get(Nd4jEnvironment.CUDA_DEVICE_MINOR_VERSION_KEY),
                                number(m.get(Nd4jEnvironment.CUDA_TOTAL_MEMORY_KEY))));
                    }
                }
            }
        } else {
            out.add(new Device(0, "CPU, " + p.get(Nd4jEnvironment.CPU_CORES_KEY) + " cores, "
                    + p.get(Nd4jEnvironment.OMP_THREADS_KEY) + " OpenMP threads", "",
                    number(p.get(Nd4jEnvironment.HOST_TOTAL_MEMORY_KEY))));
        }
        return out;
    }

    /** One line for --version and logs: the backend and its devices. */
    public String describe() {
        List<Device> d = devices();
        StringBuilder s = new StringBuilder("ND4J backend " + name() + (this == CUDA ? " (nd4j-cuda-11.6)" : " (nd4j-native)"));
        s.append(", ").append(d.size()).append(d.size() == 1 ? " device" : " devices");
        for (Device x : d) {
            s.append("; ").append(x);
        }
        return s.toString();
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0L;
    }
}
