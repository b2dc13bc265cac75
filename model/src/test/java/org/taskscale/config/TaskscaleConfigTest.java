package org.taskscale.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskscaleConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsComeFromReference() {
        Config c = TaskscaleConfig.defaults();
        assertEquals(100_000_000L, c.getLong("taskscale.image.max-pixels"));
        assertEquals(1, c.getInt("taskscale.testonly.level"));
    }

    @Test
    void environmentOverridesTheDefault() {
        assertEquals("from-environment", TaskscaleConfig.defaults().getString("taskscale.testonly.from-env"));
    }

    @Test
    void experimentFileIncludesBaseAndOverridesAreHighest() throws IOException {
        Files.writeString(dir.resolve("base.conf"), "taskscale.testonly { level = 2, path = \"base\" }\n");
        Files.writeString(dir.resolve("exp.conf"), "include \"base.conf\"\ntaskscale.testonly.level = 3\n");
        Config file = TaskscaleConfig.load(dir.resolve("exp.conf"), Map.of());
        assertEquals(3, file.getInt("taskscale.testonly.level"));
        assertEquals("base", file.getString("taskscale.testonly.path"));
        Config set = TaskscaleConfig.load(dir.resolve("exp.conf"), Map.of("taskscale.testonly.level", "4"));
        assertEquals(4, set.getInt("taskscale.testonly.level"));
    }

    @Test
    void pathLikeOverridesStayStrings() {
        Config c = TaskscaleConfig.load(null, Map.of("taskscale.testonly.path", "hdfs://nn:8020/data/div2k"));
        assertEquals("hdfs://nn:8020/data/div2k", c.getString("taskscale.testonly.path"));
    }

    @Test
    void unknownKeyNamesTheNearestValidOne() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> TaskscaleConfig.load(null, Map.of("taskscale.image.max-pixel", "5")));
        assertTrue(e.getMessage().contains("'taskscale.image.max-pixel'"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'taskscale.image.max-pixels'"), e.getMessage());
    }

    @Test
    void unknownKeyInAFileNamesTheFile() throws IOException {
        Path f = dir.resolve("typo.conf");
        Files.writeString(f, "taskscale.imagee.max-pixels = 5\n");
        ConfigException e = assertThrows(ConfigException.class, () -> TaskscaleConfig.load(f, Map.of()));
        assertTrue(e.getMessage().contains("taskscale.imagee.max-pixels") && e.getMessage().contains("typo.conf"),
                e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'taskscale.image.max-pixels'"), e.getMessage());
    }

    @Test
    void wrongTypeNamesTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> TaskscaleConfig.load(null, Map.of("taskscale.image.max-pixels", "lots")));
        assertTrue(e.getMessage().contains("taskscale.image.max-pixels"), e.getMessage());
    }

    @Test
    void missingOrBrokenExperimentFileFailsClearly() throws IOException {
        ConfigException missing = assertThrows(ConfigException.class,
                () -> TaskscaleConfig.load(dir.resolve("nope.conf"), Map.of()));
        assertTrue(missing.getMessage().contains("nope.conf"));
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "taskscale { image { max-pixels = \n");
        ConfigException broken = assertThrows(ConfigException.class, () -> TaskscaleConfig.load(bad, Map.of()));
        assertTrue(broken.getMessage().contains("bad.conf"), broken.getMessage());
    }

    @Test
    void savedConfigLoadsBackToTheSameValues() throws IOException {
        Config c = TaskscaleConfig.load(null, Map.of("taskscale.testonly.level", "7"));
        Path saved = dir.resolve("run/config.conf");
        TaskscaleConfig.save(c, saved);
        Config back = ConfigFactory.parseFile(saved.toFile()).resolve();
        assertEquals(7, back.getInt("taskscale.testonly.level"));
        assertEquals(c.getConfig("taskscale").root().unwrapped(), back.getConfig("taskscale").root().unwrapped());
    }

    @Test
    void parsesAssignments() {
        assertEquals(Map.of("a.b", "c=d"), TaskscaleConfig.parseAssignments(List.of("a.b=c=d")));
        assertThrows(ConfigException.class, () -> TaskscaleConfig.parseAssignments(List.of("novalue")));
    }
}
