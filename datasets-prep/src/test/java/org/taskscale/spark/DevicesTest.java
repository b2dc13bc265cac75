package org.taskscale.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * Device binding without GPUs: how Spark's GPU addresses become CUDA device numbers, what a task records on the CPU
 * backend, and devices.json. The binding across real executors with fake addresses runs in .ci/run
 * (deploy/local-cluster start --gpus 1).
 */
class DevicesTest {
    @Test
    void addressesAreDeviceNumbersUnlessCudaVisibleDevicesRenumbersThem() {
        assertEquals(3, Devices.ordinal("3", null));
        assertEquals(3, Devices.ordinal(" 3 ", ""));
        // YARN or a container gave this process GPUs 4 and 6: CUDA numbers them 0 and 1
        assertEquals(1, Devices.ordinal("6", "4,6"));
        assertEquals(0, Devices.ordinal("4", "4, 6"));
        // UUIDs, as some device plugins set them
        assertEquals(1, Devices.ordinal("GPU-b2", "GPU-a1,GPU-b2"));
        // a discovery script run inside the container already printed positions among the visible devices
        assertEquals(1, Devices.ordinal("1", "4,6"));
        IllegalArgumentException far = assertThrows(IllegalArgumentException.class, () -> Devices.ordinal("7", "4,6"));
        assertTrue(far.getMessage().contains("7") && far.getMessage().contains("CUDA_VISIBLE_DEVICES=4,6"), far.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> Devices.ordinal("gpu-a", null));
        assertTrue(name.getMessage().contains("gpu-a") && name.getMessage().contains("nvidia-smi"), name.getMessage());
    }

    @Test
    void tasksBindOncePerAttemptAndTheDriverRecordsItself() throws Exception {
        assertNull(Devices.bind(), "the driver is no task");
        assertEquals("driver", Devices.driver().executor());
        assertEquals("cpu", Devices.driver().device());
        try (JavaSparkContext jsc = new JavaSparkContext(new SparkConf().setAppName("devices-test").setMaster("local[2]")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"))) {
            Devices.Recorder recorder = Devices.Recorder.register(jsc);
            List<String> seen = jsc.parallelize(List.of(1, 2, 3, 4), 4).mapPartitions(it -> {
                recorder.bind();
                Devices.Binding again = Devices.bind();  // the same task asks twice (dl4j-spark does)
                return List.of(String.valueOf(again)).iterator();
            }).collect();
            assertEquals(List.of("null", "null", "null", "null"), seen);
            List<Devices.Binding> distinct = recorder.distinct();
            // local mode: one executor ("driver"), no GPU resources, the CPU backend
            assertEquals(1, distinct.size(), distinct.toString());
            Devices.Binding b = distinct.get(0);
            assertEquals("driver", b.executor());
            assertNull(b.gpu());
            assertEquals("cpu", b.device());
            assertTrue(b.task() >= 0, b.toString());
        }
    }

    @Test
    void devicesJsonRoundTripsAndMergesNewPlacementsOnly() throws Exception {
        List<Devices.Binding> first = List.of(new Devices.Binding("1", "node1", 4, "0", "cuda:0"),
                new Devices.Binding("0", "node2", 5, "1", "cuda:1"));
        String json = Devices.toJson(first);
        assertTrue(json.contains("\"executor\" : \"1\"") && json.contains("\"gpu\" : \"1\""), json);
        assertEquals(first, Devices.fromJson(json));
        assertEquals(List.of(), Devices.fromJson(null));
        List<Devices.Binding> more = new ArrayList<>(List.of(new Devices.Binding("1", "node1", 40, "0", "cuda:0"),
                new Devices.Binding("2", "node3", 41, null, "cpu")));
        List<Devices.Binding> merged = Devices.merge(Devices.fromJson(json), more);
        assertEquals(3, merged.size(), merged.toString());
        assertEquals(4, merged.get(0).task(), "the first task of a placement is kept");
        assertNull(merged.get(2).gpu());
        assertEquals("executor 2 on node3, task 41: GPU none, ND4J device cpu", merged.get(2).line());
    }
}
