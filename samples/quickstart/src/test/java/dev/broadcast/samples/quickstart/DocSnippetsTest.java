package dev.broadcast.samples.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Code shown in the README and docs/ is code that compiles and runs: every fenced block preceded
 * by {@code <!-- snippet: path#tag -->} must equal the region between {@code tag::tag[]} and
 * {@code end::tag[]} in that file (paths from the repository root), indentation removed.
 */
class DocSnippetsTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Pattern SNIPPET = Pattern.compile(
            "<!-- snippet: ([^#\\s]+)#([\\w-]+) -->\\n```\\w*\\n(.*?)\\n```", Pattern.DOTALL);

    @Test
    void everySnippetInTheDocsIsTheTaggedRegionOfATestedFile() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
        }
        int checked = 0;
        for (Path page : pages) {
            Matcher snippet = SNIPPET.matcher(Files.readString(page));
            while (snippet.find()) {
                String where = ROOT.relativize(page) + " → " + snippet.group(1) + "#" + snippet.group(2);
                assertEquals(region(ROOT.resolve(snippet.group(1)), snippet.group(2)), snippet.group(3), where);
                checked++;
            }
        }
        assertTrue(checked >= 8, "expected the quick start's snippets in README.md and docs/, found " + checked);
    }

    /** The lines between the tag markers, with their common indentation removed. */
    static String region(Path file, String tag) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("tag::" + tag + "[]")) {
                start = i + 1;
            } else if (lines.get(i).contains("end::" + tag + "[]")) {
                end = i;
            }
        }
        assertFalse(start < 0 || end < start, "no region " + tag + " in " + file);
        List<String> region = lines.subList(start, end);
        int indent = region.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return String.join("\n", region.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList());
    }
}
