package fleet.cli;

import fleet.curtailment.v1.Device;
import fleet.curtailment.v1.DeviceRegistration;
import fleet.curtailment.v1.DeviceStatus;
import fleet.curtailment.v1.ListDevicesRequest;
import fleet.curtailment.v1.ListDevicesResponse;
import fleet.curtailment.v1.RegisterDevicesRequest;
import fleet.curtailment.v1.RegisterDevicesResponse;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code fleetctl devices register|list|history}: the InventoryService's devices and what touched them. */
@Command(name = "devices", mixinStandardHelpOptions = true, description = "Register and list devices; show a device's history.",
        subcommands = {DevicesCommand.Register.class, DevicesCommand.ListDevices.class, DeviceHistoryCommand.class})
public class DevicesCommand {

    /** The API's per-request ceiling. */
    static final int BATCH = 10_000;

    @Command(name = "register", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Register or update devices by identifier (idempotent), from a file or as a simulator fleet.",
                    "CSV columns: identifier,host,port,driver[,model,site_id,building_id,rack_id,group_ids (';'-separated)].",
                    "JSON: an array of {identifier, host, port, driver, ...} or {\"devices\": [...]}."})
    public static class Register implements Callable<Integer> {

        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        static class Source {
            @Option(names = {"-f", "--file"}, description = "A .csv or .json file of devices.")
            Path file;

            @Option(names = "--count", description = "Generate this many simulator miners (sim-00001 …).")
            Integer count;
        }

        @Option(names = "--format", description = "csv or json (default: from the file name).")
        String format;

        @Option(names = "--first-address", defaultValue = "127.1.0.1",
                description = "Generated fleet: the first miner's loopback address (default ${DEFAULT-VALUE}).")
        String firstAddress;

        @Option(names = "--prefix", defaultValue = "sim-", description = "Generated fleet: identifier prefix (default ${DEFAULT-VALUE}).")
        String prefix;

        @Option(names = "--port", defaultValue = "4028", description = "Generated fleet: miner port (default ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--driver", defaultValue = "luxos", description = "Generated fleet: driver (default ${DEFAULT-VALUE}).")
        String driver;

        @Option(names = "--model", description = "Generated fleet: model name.")
        String model;

        @Override
        public Integer call() throws Exception {
            List<DeviceRegistration> devices = devices();
            if (devices.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "no devices to register");
            }
            try (ClientOptions c = client) {
                RegisterDevicesResponse.Builder all = RegisterDevicesResponse.newBuilder();
                for (int from = 0; from < devices.size(); from += BATCH) {
                    RegisterDevicesResponse part = client.inventory().registerDevices(RegisterDevicesRequest.newBuilder()
                            .addAllDevices(devices.subList(from, Math.min(devices.size(), from + BATCH))).build());
                    all.addAllDevices(part.getDevicesList())
                            .setCreatedCount(all.getCreatedCount() + part.getCreatedCount())
                            .setUpdatedCount(all.getUpdatedCount() + part.getUpdatedCount());
                }
                PrintWriter out = client.out();
                if (client.json()) {
                    out.println(Output.json(all));
                } else {
                    out.printf(Locale.ROOT, "registered %d devices: %d created, %d updated%n", all.getDevicesCount(),
                            all.getCreatedCount(), all.getUpdatedCount());
                }
                out.flush();
                return 0;
            }
        }

        List<DeviceRegistration> devices() throws Exception {
            if (source.count != null) {
                if (source.count < 1) {
                    throw new ParameterException(spec.commandLine(), "--count must be at least 1");
                }
                try {
                    return DeviceSource.simulated(source.count, firstAddress, prefix, port, driver, model);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), e.getMessage());
                }
            }
            String kind = format != null ? format.toLowerCase(Locale.ROOT)
                    : source.file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json") ? "json" : "csv";
            if (!Files.isReadable(source.file)) {
                throw new ParameterException(spec.commandLine(), "cannot read " + source.file);
            }
            return switch (kind) {
                case "json" -> DeviceSource.json(Files.readString(source.file, StandardCharsets.UTF_8));
                case "csv" -> {
                    try (Reader in = Files.newBufferedReader(source.file, StandardCharsets.UTF_8)) {
                        yield DeviceSource.csv(in);
                    }
                }
                default -> throw new ParameterException(spec.commandLine(), "--format must be csv or json");
            };
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List devices (by identifier) with their latest telemetry.")
    public static class ListDevices implements Callable<Integer> {

        @Mixin
        ClientOptions client;

        @Option(names = "--site", description = "Site id filter.")
        String site;

        @Option(names = "--building", description = "Building id filter.")
        String building;

        @Option(names = "--rack", description = "Rack id filter.")
        String rack;

        @Option(names = "--group", description = "Group id filter.")
        String group;

        @Option(names = "--maintenance", arity = "1", description = "true or false: only devices with / without the flag.")
        Boolean maintenance;

        @Option(names = "--status", description = "Telemetry status filter: ${COMPLETION-CANDIDATES}.")
        Status status;

        @Option(names = "--page-size", defaultValue = "200", description = "Devices per page (1..200, default ${DEFAULT-VALUE}).")
        int pageSize;

        @Option(names = "--page-token", description = "Continue from a previous page.")
        String pageToken;

        @Option(names = "--all", description = "Follow every page.")
        boolean all;

        enum Status { MINING, SLEEPING, UNREACHABLE, AUTH_FAILED, UPDATING, REBOOTING, NO_POOL, STOPPED, STARTING, ERROR }

        @Override
        public Integer call() {
            try (ClientOptions c = client) {
                ListDevicesRequest.Builder request = ListDevicesRequest.newBuilder().setPageSize(pageSize);
                if (site != null) {
                    request.setSiteId(site);
                }
                if (building != null) {
                    request.setBuildingId(building);
                }
                if (rack != null) {
                    request.setRackId(rack);
                }
                if (group != null) {
                    request.setGroupId(group);
                }
                if (maintenance != null) {
                    request.setMaintenance(maintenance);
                }
                if (status != null) {
                    request.setStatus(DeviceStatus.valueOf("DEVICE_STATUS_" + status.name()));
                }
                if (pageToken != null) {
                    request.setPageToken(pageToken);
                }
                ListDevicesResponse.Builder merged = ListDevicesResponse.newBuilder();
                while (true) {
                    ListDevicesResponse page = client.inventory().listDevices(request.build());
                    merged.addAllDevices(page.getDevicesList()).setNextPageToken(page.getNextPageToken());
                    if (!all || page.getNextPageToken().isEmpty()) {
                        break;
                    }
                    request.setPageToken(page.getNextPageToken());
                }
                PrintWriter out = client.out();
                if (client.json()) {
                    out.println(Output.json(merged));
                } else {
                    print(out, merged.getDevicesList());
                    if (!merged.getNextPageToken().isEmpty()) {
                        out.println("more: --page-token " + merged.getNextPageToken() + " (or --all)");
                    }
                }
                out.flush();
                return 0;
            }
        }

        static void print(PrintWriter out, List<Device> devices) {
            Output.Table t = new Output.Table("IDENTIFIER", "HOST", "PORT", "DRIVER", "STATUS", "POWER_W", "HASH_THS",
                    "MAINT", "EVENT");
            for (Device d : devices) {
                boolean sampled = d.hasTelemetry();
                t.row(d.getIdentifier(), d.getHost(), d.getPort(), d.getDriver(),
                        sampled ? Output.name(d.getTelemetry().getStatus(), "DEVICE_STATUS_") : "-",
                        sampled && d.getTelemetry().getPowerPresent()
                                ? String.format(Locale.ROOT, "%.0f", d.getTelemetry().getPowerW()) : "-",
                        sampled ? String.format(Locale.ROOT, "%.1f", d.getTelemetry().getHashrateThs()) : "-",
                        d.getMaintenance() ? "yes" : "no", d.getActiveEventId());
            }
            t.print(out);
        }
    }
}
