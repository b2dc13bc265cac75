package org.taskscale.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.taskscale.io.BatchFile;
import org.taskscale.spark.Devices;

/** Trains in this process, one batch file after another (mode = single; the reference for bench spark). */
public final class SingleProcessTrainer implements Trainer {
    private final ComputationGraph net;
    private final Configuration conf;

    public SingleProcessTrainer(ComputationGraph net, Configuration conf) {
        this.net = org.taskscale.models.FlatGradientUpdater.install(net);
        this.conf = conf;
    }

    @Override
    public void fit(List<String> batchFiles) {
        for (String f : batchFiles) {
            Path p = new Path(f);
            try (InputStream in = p.getFileSystem(conf).open(p)) {
                net.fit(BatchFile.read(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the batch file " + f + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public List<Devices.Binding> devices() {
        return List.of(Devices.driver());
    }

    @Override
    public ComputationGraph network() {
        return net;
    }

    @Override
    public double score() {
        return net.score();
    }
}
