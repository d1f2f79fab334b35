package dev.broadcast.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;

/**
 * Runs one scenario script ({@code src/test/node/*.mjs}) with {@code node}, bounded in time, its
 * output kept under {@code target/conformance/}.
 */
final class NodeRunner {

    /** Where the scripts and their {@code node_modules} live (tests run in the module directory). */
    static final Path NODE_DIR = Path.of("src", "test", "node").toAbsolutePath();

    /** Where each run's stdout and stderr are kept. */
    static final Path OUTPUT_DIR = Path.of("target", "conformance").toAbsolutePath();

    /** Longer than the scripts' own hard timeout (20 s), so they normally report theirs first. */
    static final Duration TIMEOUT = Duration.ofSeconds(40);

    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeRunner() {
    }

    /** Fails with what to do when the npm packages are not installed. */
    static void requireInstalled() {
        for (String module : List.of("pusher-js", "laravel-echo", "pusher")) {
            if (!Files.isRegularFile(NODE_DIR.resolve("node_modules").resolve(module).resolve("package.json"))) {
                Assertions.fail("The real clients are not installed (" + NODE_DIR.resolve("node_modules").resolve(module)
                        + " is missing). Run `npm ci` in broadcast-conformance/src/test/node first.");
            }
        }
    }

    /** What one run printed and how it ended. */
    record Result(String script, int exitCode, String stdout, String stderr, JsonNode json) {

        /** The run's output, for failure messages. */
        String transcript() {
            return "node " + script + " exited " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
        }
    }

    /**
     * Runs {@code node script} in {@link #NODE_DIR} with {@code env} added to this JVM's
     * environment; destroys it after {@link #TIMEOUT}. Never throws for a failing script: the
     * caller asserts on the result.
     */
    static Result run(String label, String script, Map<String, String> env) {
        requireInstalled();
        try {
            Files.createDirectories(OUTPUT_DIR);
            Path out = OUTPUT_DIR.resolve(label + "-" + script + ".out");
            Path err = OUTPUT_DIR.resolve(label + "-" + script + ".err");
            ProcessBuilder builder = new ProcessBuilder("node", script)
                    .directory(NODE_DIR.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().putAll(env);
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new AssertionError("Cannot start `node` (is Node.js 18+ on the PATH?): " + e.getMessage(), e);
            }
            int exit;
            try {
                if (process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    exit = process.exitValue();
                } else {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                    exit = -1;
                    Files.writeString(err, "\n[killed by NodeRunner after " + TIMEOUT.toSeconds() + " s]\n",
                            StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running " + script, e);
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            return new Result(script, exit, stdout, stderr, lastJsonLine(stdout));
        } catch (IOException e) {
            throw new AssertionError("Cannot run node " + script + ": " + e.getMessage(), e);
        }
    }

    /**
     * Like {@link #run}, for scenarios that ask the test to act midway: each stdout line
     * {@code @name} runs {@code actions.get(name)}, whose answer is written back as one line on
     * the script's stdin.
     */
    static Result runInteractive(String label, String script, Map<String, String> env,
                                 Map<String, java.util.function.Supplier<String>> actions) {
        requireInstalled();
        try {
            Files.createDirectories(OUTPUT_DIR);
            Path err = OUTPUT_DIR.resolve(label + "-" + script + ".err");
            ProcessBuilder builder = new ProcessBuilder("node", script).directory(NODE_DIR.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            StringBuilder stdout = new StringBuilder();
            Thread reader = new Thread(() -> {
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                     var answers = new java.io.PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8)) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        synchronized (stdout) {
                            stdout.append(line).append('\n');
                        }
                        if (line.startsWith("@")) {
                            var action = actions.get(line.substring(1).strip());
                            String answer = action == null ? "unknown action " + line : action.get();
                            synchronized (stdout) {
                                stdout.append("< ").append(answer).append('\n');
                            }
                            answers.println(answer);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    synchronized (stdout) {
                        stdout.append("[runner: ").append(e).append("]\n");
                    }
                }
            }, "node-" + script);
            reader.start();
            int exit;
            if (process.waitFor(TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS)) {
                exit = process.exitValue();
            } else {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                exit = -1;
            }
            reader.join(5000);
            String out;
            synchronized (stdout) {
                out = stdout.toString();
            }
            Files.writeString(OUTPUT_DIR.resolve(label + "-" + script + ".out"), out, StandardCharsets.UTF_8);
            return new Result(script, exit, out, Files.readString(err, StandardCharsets.UTF_8), lastJsonLine(out));
        } catch (IOException e) {
            throw new AssertionError("Cannot run node " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }

    private static JsonNode lastJsonLine(String stdout) {
        List<String> lines = stdout.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            return null;
        }
        try {
            return JSON.readTree(lines.get(lines.size() - 1));
        } catch (IOException e) {
            return null;
        }
    }
}
