package org.taskscale.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;
import org.taskscale.config.TaskscaleConfig;
import org.taskscale.models.Architecture;
import org.taskscale.models.ModelConfig;
import org.taskscale.models.ModelRegistry;
import org.taskscale.prep.PrepConfig;


/** Every experiment template loads, validates, builds its model, and preps the data its model learns from. */
class ExperimentFilesTest {
    @Test
    void everyTemplateIsConsistent() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("../conf/experiments"))) {
            files = s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
        assertTrue(files.size() >= 14, "templates: " + files);
        for (Path f : files) {
            Config c = TaskscaleConfig.load(f, Map.of());
            if (f.getFileName().toString().equals("example.conf")) {
                continue;
            }
            ModelConfig m = ModelConfig.from(c);
            Architecture a = ModelRegistry.get(m.name());
            ModelRegistry.configure(m, new Adam(1e-4));
            PrepConfig p = PrepConfig.from(c);
            TrainConfig t = TrainConfig.from(c);
            assertEquals(a.task(), p.task(), f + ": the prep task feeds another model");
            assertEquals(p.output(), t.data(), f + ": train reads what prep writes");
            assertEquals(f.getFileName().toString().replace(".conf", ""), t.experiment(), f + ": run named after the file");
            if (p.task().scales()) {
                assertEquals(m.scale(), p.scale(), f + ": scale");
            }
        }
    }

    @Test
    void everyEvaluationSweepIsValid() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("../conf/evals"))) {
            files = s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
        assertTrue(!files.isEmpty(), "no sweep templates in conf/evals");
        for (Path f : files) {
            org.taskscale.eval.EvalConfig e = org.taskscale.eval.EvalConfig.from(TaskscaleConfig.load(f, Map.of()));
            assertTrue(!e.checkpoints().isEmpty() && !e.datasets().isEmpty(), f.toString());
        }
    }
}
