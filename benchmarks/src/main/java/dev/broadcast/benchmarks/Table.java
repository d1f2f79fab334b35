package dev.broadcast.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A plain-text table: a title, right-aligned columns (the first left-aligned), then footer lines. */
final class Table {

    private final String title;
    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> footer = new ArrayList<>();

    Table(String title, String... headers) {
        this.title = title;
        this.headers = headers;
    }

    Table row(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException(cells.length + " cells for " + headers.length + " columns");
        }
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = String.valueOf(cells[i]);
        }
        rows.add(r);
        return this;
    }

    Table footer(String line) {
        footer.add(line);
        return this;
    }

    List<String[]> rows() {
        return rows;
    }

    @Override
    public String toString() {
        int[] width = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            width[i] = headers[i].length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder out = new StringBuilder().append('\n').append(title).append('\n');
        line(out, headers, width);
        for (String[] r : rows) {
            line(out, r, width);
        }
        for (String f : footer) {
            out.append(f).append('\n');
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String[] cells, int[] width) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.append(' ');
            }
            String pad = " ".repeat(width[i] - cells[i].length());
            out.append(i == 0 ? cells[i] + pad : pad + cells[i]);
        }
        out.append('\n');
    }

    static String ms(long micros) {
        return micros < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", micros / 1000.0);
    }

    static String pct(double fraction) {
        return Double.isNaN(fraction) ? "n/a" : String.format(Locale.ROOT, "%.1f", fraction * 100);
    }

    static String num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "n/a" : String.format(Locale.ROOT, "%.0f", v);
    }

    static String fmt(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    static String kb(double bytes) {
        return Double.isNaN(bytes) ? "n/a" : String.format(Locale.ROOT, "%.1f KB", bytes / 1024);
    }

    static String mb(double bytes) {
        return Double.isNaN(bytes) ? "n/a" : String.format(Locale.ROOT, "%.1f MB", bytes / (1024 * 1024));
    }
}
