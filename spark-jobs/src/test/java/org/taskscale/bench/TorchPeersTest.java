package org.taskscale.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.taskscale.models.ModelRegistry;

/**
 * The PyTorch peers are the same networks as ours: every registered architecture has one, and its parameter count
 * (from the committed fixture {@code fixtures/torch-peer-params.txt}, made by running {@code peers/torch_nets.py};
 * the command is in its header) equals ours at the shapes the benchmark builds.
 */
class TorchPeersTest {
    static Map<String, Long> fixture() throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (InputStream in = TorchPeersTest.class.getResourceAsStream("/fixtures/torch-peer-params.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] f = line.trim().split("\\s+");
                    counts.put(f[0], Long.parseLong(f[1]));
                }
            }
        }
        return counts;
    }

    @Test
    void everyRegisteredNetworkHasAPeerWithItsParameterCount() throws Exception {
        Map<String, Long> torch = fixture();
        assertEquals(ModelRegistry.names(), java.util.List.copyOf(torch.keySet()), "one peer per registered network");
        for (String name : ModelRegistry.names()) {
            assertEquals(torch.get(name), PeerNets.build(name, 0, 0).net().numParams(), name);
        }
    }

    @Test
    void thePeerScriptListsTheSameNetworks() throws Exception {
        String src;
        try (InputStream in = Peers.class.getResourceAsStream("peers/torch_nets.py")) {
            src = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String names = src.substring(src.indexOf("NAMES = ["), src.indexOf(']', src.indexOf("NAMES = [")));
        for (String name : ModelRegistry.names()) {
            assertEquals(true, names.contains("'" + name + "'"), name + " in torch_nets.NAMES");
        }
    }
}
