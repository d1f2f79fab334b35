package dev.broadcast.benchmarks;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Linux process figures from /proc and jcmd, and the open-file and port checks of big runs. */
final class Sys {

    private Sys() {
    }

    /** user+system CPU time of {@code pid} in nanoseconds, from /proc/pid/stat. */
    static OptionalLong cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            return OptionalLong.of(ticks * (1_000_000_000L / 100)); // CLK_TCK = 100 on Linux
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * user and system CPU nanoseconds of this JVM's thread whose native name is {@code name}
     * (the comm file of each /proc/self/task entry, at most 15 characters), or null.
     */
    static long[] threadUserSystemNanos(String name) {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                if (Files.readString(task.resolve("comm")).trim().equals(name)) {
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long tick = 1_000_000_000L / 100;
                    return new long[] {Long.parseLong(f[11]) * tick, Long.parseLong(f[12]) * tick};
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return null;
    }

    /** Number of threads of {@code pid} (entries of /proc/pid/task). */
    static OptionalLong threadCount(long pid) {
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            return OptionalLong.of(tasks.count());
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Resident set size of {@code pid} in bytes (VmRSS of /proc/pid/status). */
    static OptionalLong rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return OptionalLong.empty();
    }

    static String jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>();
        c.add(System.getProperty("java.home") + "/bin/jcmd");
        c.add(Long.toString(pid));
        c.addAll(List.of(command));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor(60, TimeUnit.SECONDS);
        return new String(out);
    }

    /** Used heap in bytes, after a full GC when asked ({@code jcmd GC.run}, then {@code GC.heap_info}). */
    static OptionalLong heapUsed(long pid, boolean gcFirst) {
        try {
            if (gcFirst) {
                jcmd(pid, "GC.run");
            }
            String info = jcmd(pid, "GC.heap_info");
            Matcher m = Pattern.compile("total \\d+K, used (\\d+)K").matcher(info);
            return m.find() ? OptionalLong.of(Long.parseLong(m.group(1)) * 1024) : OptionalLong.empty();
        } catch (IOException | InterruptedException e) {
            return OptionalLong.empty();
        }
    }

    /** Java thread names of {@code pid} ({@code jcmd Thread.print}); empty when jcmd fails. */
    static List<String> threadNames(long pid) {
        List<String> names = new ArrayList<>();
        try {
            Matcher m = Pattern.compile("(?m)^\"([^\"]+)\"").matcher(jcmd(pid, "Thread.print"));
            while (m.find()) {
                names.add(m.group(1));
            }
        } catch (IOException | InterruptedException e) {
            // empty
        }
        return names;
    }

    /** Thread names with their counters replaced by N, counted: "Grizzly-worker(N) x4, broadcast-timer". */
    static String groupedNames(List<String> names) {
        Map<String, Integer> groups = new TreeMap<>();
        for (String n : names) {
            groups.merge(n.replaceAll("(?<=[-#( _])\\d+|(?<=[A-Za-z])\\d+$", "N"), 1, Integer::sum);
        }
        StringBuilder out = new StringBuilder();
        groups.forEach((n, c) -> out.append(out.length() == 0 ? "" : ", ").append(n).append(c > 1 ? " x" + c : ""));
        return out.toString();
    }

    /** The library's own threads: it names them broadcast-… (dispatch, timer, webhooks, shutdown hook). */
    static List<String> libraryThreads(List<String> names) {
        return names.stream().filter(n -> n.startsWith("broadcast")).sorted().toList();
    }

    /** This JVM's open-file limit (the JVM raises the soft limit to the hard one at start). */
    static long maxOpenFiles() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return Long.MAX_VALUE;
    }

    /** The hard open-file limit from /proc/self/limits, or -1. */
    static long hardOpenFiles() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return f[1].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }

    /**
     * Fails with a clear message when a process of this run would need more open files than the
     * limit allows. Child JVMs inherit the limit and raise it to the same hard limit.
     *
     * @param needed file descriptors one process needs (sockets plus about 300 for the JVM and jars)
     */
    static void requireOpenFiles(long needed, String who) {
        long max = maxOpenFiles();
        if (max < needed) {
            long hard = hardOpenFiles();
            throw new IllegalStateException(who + " needs about " + needed + " open files, but the limit is " + max
                    + " (ulimit -n). Raise it in the shell that starts the run, e.g. `ulimit -n " + Math.max(needed, 65536)
                    + "`" + (hard >= 0 && hard < needed ? "; the hard limit is " + hard
                    + ", so raise that first (root: /etc/security/limits.conf or prlimit)" : "") + ", or use fewer --subscribers.");
        }
    }

    /** Fails when one client address cannot open {@code connections} sockets to one server port. */
    static void requireEphemeralPorts(int connections) {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            int size = Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
            if (connections > size - 500) {
                throw new IllegalStateException(connections + " connections from 127.0.0.1 need that many ephemeral ports;"
                        + " net.ipv4.ip_local_port_range gives " + size + ". Use fewer --subscribers or widen the range.");
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalStateException) {
                throw (IllegalStateException) e;
            }
        }
    }
}
