package fleet.cli;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.google.protobuf.util.JsonFormat;
import fleet.curtailment.v1.DeviceRegistration;
import fleet.curtailment.v1.RegisterDevicesRequest;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where {@code devices register} gets its devices: a CSV file (header row, columns named like the
 * DeviceRegistration fields), a JSON file (an array of DeviceRegistration objects, or a RegisterDevicesRequest), or a
 * generated simulator fleet. Nothing is defaulted for files: the server names any missing field.
 */
final class DeviceSource {

    static final Set<String> CSV_COLUMNS = Set.of("identifier", "host", "port", "driver", "model", "site_id",
            "building_id", "rack_id", "group_ids");

    private DeviceSource() {
    }

    /** CSV with a header; {@code group_ids} separated by ';'. Unknown columns are refused. */
    static List<DeviceRegistration> csv(Reader in) throws IOException {
        CsvSchema schema = CsvSchema.emptySchema().withHeader().withColumnReordering(true);
        List<DeviceRegistration> out = new ArrayList<>();
        try (MappingIterator<Map<String, String>> rows = new CsvMapper().readerForMapOf(String.class).with(schema)
                .readValues(in)) {
            int line = 1;
            while (rows.hasNext()) {
                Map<String, String> row = rows.next();
                line++;
                for (String column : row.keySet()) {
                    if (!CSV_COLUMNS.contains(column)) {
                        throw new IllegalArgumentException("unknown CSV column '" + column + "'; expected "
                                + String.join(",", new java.util.TreeSet<>(CSV_COLUMNS)));
                    }
                }
                DeviceRegistration.Builder d = DeviceRegistration.newBuilder()
                        .setIdentifier(value(row, "identifier"))
                        .setHost(value(row, "host"))
                        .setDriver(value(row, "driver"))
                        .setModel(value(row, "model"))
                        .setSiteId(value(row, "site_id"))
                        .setBuildingId(value(row, "building_id"))
                        .setRackId(value(row, "rack_id"));
                String port = value(row, "port");
                if (!port.isEmpty()) {
                    try {
                        d.setPort(Integer.parseInt(port));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("line " + line + ": port '" + port + "' is not a number");
                    }
                }
                String groups = value(row, "group_ids");
                if (!groups.isEmpty()) {
                    Arrays.stream(groups.split(";")).map(String::trim).filter(s -> !s.isEmpty()).forEach(d::addGroupIds);
                }
                out.add(d.build());
            }
        }
        return out;
    }

    /** A JSON array of DeviceRegistration, or a RegisterDevicesRequest object; proto or camelCase field names. */
    static List<DeviceRegistration> json(String text) throws IOException {
        String trimmed = text.strip();
        String request = trimmed.startsWith("[") ? "{\"devices\":" + trimmed + "}" : trimmed;
        RegisterDevicesRequest.Builder b = RegisterDevicesRequest.newBuilder();
        JsonFormat.parser().merge(request, b);
        return b.getDevicesList();
    }

    /**
     * {@code count} simulator miners: identifiers {@code prefix00001…}, consecutive loopback addresses from
     * {@code firstAddress} (the simulator assigns miner i the address first + i), one port and driver.
     */
    static List<DeviceRegistration> simulated(int count, String firstAddress, String prefix, int port, String driver,
            String model) {
        long first = ipv4(firstAddress);
        List<DeviceRegistration> out = new ArrayList<>(count);
        int width = Math.max(5, Integer.toString(count).length());
        for (int i = 0; i < count; i++) {
            long address = first + i;
            if (address > 0x7FFFFFFEL) {
                throw new IllegalArgumentException("miner " + (i + 1) + " would fall outside 127.0.0.0/8");
            }
            DeviceRegistration.Builder d = DeviceRegistration.newBuilder()
                    .setIdentifier(prefix + String.format("%0" + width + "d", i + 1))
                    .setHost(dotted(address)).setPort(port).setDriver(driver);
            if (model != null) {
                d.setModel(model);
            }
            out.add(d.build());
        }
        return out;
    }

    static long ipv4(String dotted) {
        String[] parts = dotted.trim().split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        }
        long value = 0;
        for (String p : parts) {
            int octet;
            try {
                octet = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            value = (value << 8) | octet;
        }
        if ((value >>> 24) != 127) {
            throw new IllegalArgumentException("simulator addresses are loopback (127.x.y.z): " + dotted);
        }
        return value;
    }

    static String dotted(long v) {
        return ((v >>> 24) & 0xFF) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
    }

    private static String value(Map<String, String> row, String column) {
        String v = row.get(column);
        return v == null ? "" : v.trim();
    }
}
