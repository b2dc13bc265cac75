package org.taskscale.io;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** A real HDFS for tests: a NameNode and one DataNode in this JVM, their data under a folder of the test's. */
public final class MiniHdfs implements AutoCloseable {
    private final MiniDFSCluster cluster;
    private final Configuration conf;

    public MiniHdfs(Path base) throws IOException {
        conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
    }

    /** {@code hdfs://localhost:PORT}, without a trailing slash. */
    public String uri() {
        return "hdfs://localhost:" + cluster.getNameNodePort();
    }

    public FileSystem fs() throws IOException {
        return cluster.getFileSystem();
    }

    public Configuration conf() {
        return conf;
    }

    @Override
    public void close() {
        cluster.shutdown();
    }
}
