package dev.broadcast.samples.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a script of src/test/node with Node and returns its output, failing if it fails or overruns. */
final class NodeScript {

    private NodeScript() {
    }

    static String run(String script, Map<String, String> environment, int seconds) throws Exception {
        File dir = new File("src/test/node");
        assertTrue(new File(dir, "node_modules").isDirectory(),
                "node_modules missing: run `npm ci` in " + dir + " (the Maven build does it)");
        Path output = Files.createTempFile(script, ".log");
        ProcessBuilder builder = new ProcessBuilder("node", script)
                .directory(dir)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        Process node = builder.start();
        node.getOutputStream().close();
        boolean exited = node.waitFor(seconds, TimeUnit.SECONDS);
        if (!exited) {
            node.destroyForcibly();
        }
        String transcript = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        assertTrue(exited, script + " did not finish in " + seconds + " s:\n" + transcript);
        assertEquals(0, node.exitValue(), script + " failed:\n" + transcript);
        return transcript;
    }
}
