package fleet.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders responses: protobuf JSON (proto field names) for scripts, aligned tables for people. */
final class Output {

    private static final JsonFormat.Printer JSON = JsonFormat.printer().preservingProtoFieldNames();
    private static final JsonFormat.Printer JSON_LINE = JSON.omittingInsignificantWhitespace();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private Output() {
    }

    static String json(MessageOrBuilder message) {
        try {
            return JSON.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One message per line, for streams (watch). */
    static String jsonLine(MessageOrBuilder message) {
        try {
            return JSON_LINE.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    static String time(Timestamp t) {
        if (t == null || (t.getSeconds() == 0 && t.getNanos() == 0)) {
            return "-";
        }
        return TIME.format(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()));
    }

    static String kw(double kw) {
        return String.format(Locale.ROOT, "%.1f", kw);
    }

    /** Drops an enum constant's type prefix: CURTAILMENT_EVENT_STATE_ACTIVE → ACTIVE. */
    static String name(Enum<?> value, String prefix) {
        String n = value.name();
        return n.startsWith(prefix) ? n.substring(prefix.length()) : n;
    }

    /** A table with a header row; columns padded to their widest cell, two spaces apart. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();
        private final int columns;

        Table(String... headers) {
            this.columns = headers.length;
            rows.add(headers);
        }

        Table row(Object... cells) {
            String[] r = new String[columns];
            for (int i = 0; i < columns; i++) {
                Object c = i < cells.length ? cells[i] : null;
                r[i] = c == null || c.toString().isEmpty() ? "-" : c.toString();
            }
            rows.add(r);
            return this;
        }

        int size() {
            return rows.size() - 1;
        }

        void print(PrintWriter out) {
            int[] width = new int[columns];
            for (String[] r : rows) {
                for (int i = 0; i < columns; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
            for (String[] r : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < columns; i++) {
                    line.append(r[i]);
                    if (i < columns - 1) {
                        line.append(" ".repeat(width[i] - r[i].length() + 2));
                    }
                }
                out.println(line.toString().stripTrailing());
            }
            out.flush();
        }
    }
}
