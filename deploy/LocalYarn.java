import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.util.resource.ResourceUtils;

/**
 * A real YARN ResourceManager and NodeManager in one JVM (Hadoop's MiniYARNCluster), for deploy/local-cluster
 * yarn-start. Run as a single-file program: java -cp HADOOP_MINICLUSTER_CLASSPATH LocalYarn.java DIR HDFS_URI.
 *
 * The ResourceManager listens on Hadoop's usual fixed ports on 127.0.0.1 (8032 clients, 8030 scheduler, 8031
 * trackers, 8033 admin), so that its addresses are known before it starts. Once the NodeManager has
 * registered, the client configuration (core-site.xml with the HDFS URI, yarn-site.xml with the ResourceManager)
 * is written to DIR/conf by rename, and "YARN ready" is printed. Only the client keys are written: the cluster's
 * own configuration names test-only classes a client cannot load.
 */
public class LocalYarn {
    private static final String GPU = "yarn.io/gpu";

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: LocalYarn DIR HDFS_URI");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        String hdfs = args[1];
        int memoryMb = Integer.getInteger("localYarn.memoryMb", 8192);
        int vcores = Integer.getInteger("localYarn.vcores", 4);
        int gpus = Integer.getInteger("localYarn.gpus", 0);

        YarnConfiguration conf = new YarnConfiguration();
        conf.set("fs.defaultFS", hdfs);
        conf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_FIXED_PORTS, true);
        conf.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
        conf.set("yarn.nodemanager.hostname", "127.0.0.1");
        // FIFO needs no queue configuration; GPUs need the capacity scheduler, configured below
        conf.set(YarnConfiguration.RM_SCHEDULER,
                "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler");
        conf.setInt(YarnConfiguration.NM_PMEM_MB, memoryMb);
        conf.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, memoryMb);  // MiniYARNCluster's own override
        conf.setInt(YarnConfiguration.NM_VCORES, vcores);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
        // the JVMs' virtual size (thread stacks, ND4J's native arenas) says nothing about their real use
        conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        // a nearly full development disk must not mark the only node unhealthy
        conf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 99.5f);

        if (gpus > 0) {
            // GPUs as YARN schedules them: the yarn.io/gpu resource type, a node that offers it, and a scheduler
            // that counts more than memory. (Without the NodeManager's GPU plugin, which needs nvidia-smi, YARN
            // counts the GPUs but isolates none: each container's discovery script sees the node's list.)
            conf.set(YarnConfiguration.RESOURCE_TYPES, GPU);
            conf.setInt(YarnConfiguration.NM_RESOURCES_PREFIX + GPU, gpus);
            conf.set(YarnConfiguration.RM_SCHEDULER,
                    "org.apache.hadoop.yarn.server.resourcemanager.scheduler.capacity.CapacityScheduler");
            conf.set("yarn.scheduler.capacity.resource-calculator",
                    "org.apache.hadoop.yarn.util.resource.DominantResourceCalculator");
            conf.set("yarn.scheduler.capacity.root.queues", "default");
            conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
            conf.setFloat("yarn.scheduler.capacity.maximum-am-resource-percent", 0.5f);
            ResourceUtils.resetResourceTypes(conf);
        }
        MiniYARNCluster yarn = new MiniYARNCluster("taskscale", 1, 1, 1);
        yarn.init(conf);
        yarn.start();
        if (!yarn.waitForNodeManagersToConnect(60_000)) {
            System.err.println("LocalYarn: the NodeManager did not register with the ResourceManager within 60 s");
            System.exit(1);
        }

        Configuration cluster = yarn.getConfig();
        Configuration client = new Configuration(false);
        client.set("fs.defaultFS", hdfs);
        write(dir, "core-site.xml", client);
        for (String key : new String[] {YarnConfiguration.RM_ADDRESS, YarnConfiguration.RM_SCHEDULER_ADDRESS,
                YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS, YarnConfiguration.RM_ADMIN_ADDRESS,
                YarnConfiguration.RM_WEBAPP_ADDRESS, YarnConfiguration.RM_HOSTNAME}) {
            client.set(key, cluster.get(key));
        }
        write(dir, "yarn-site.xml", client);
        if (gpus > 0) {  // clients (Spark's YARN client and ApplicationMaster) must know the resource type too
            Configuration types = new Configuration(false);
            types.set(YarnConfiguration.RESOURCE_TYPES, GPU);
            write(dir, "resource-types.xml", types);
        }
        System.out.println("YARN ready: ResourceManager " + cluster.get(YarnConfiguration.RM_ADDRESS)
                + ", one NodeManager with " + memoryMb + " MB, " + vcores + " vcores"
                + (gpus > 0 ? ", " + gpus + " yarn.io/gpu" : "") + ", HDFS " + hdfs);
        Thread.currentThread().join();
    }

    private static void write(Path dir, String name, Configuration conf) throws Exception {
        Files.createDirectories(dir);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        conf.writeXml(bytes);
        Path tmp = dir.resolve(name + ".tmp");
        Files.write(tmp, bytes.toByteArray());
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
