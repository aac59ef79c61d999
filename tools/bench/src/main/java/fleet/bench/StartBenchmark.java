package fleet.bench;

import fleet.curtailment.v1.CurtailmentMode;
import fleet.curtailment.v1.CurtailmentServiceGrpc;
import fleet.curtailment.v1.DeviceRegistration;
import fleet.curtailment.v1.InventoryServiceGrpc;
import fleet.curtailment.v1.PreviewCurtailmentPlanRequest;
import fleet.curtailment.v1.PreviewCurtailmentPlanResponse;
import fleet.curtailment.v1.RegisterDevicesRequest;
import fleet.curtailment.v1.RegisterDevicesResponse;
import fleet.curtailment.v1.Scope;
import fleet.curtailment.v1.StartCurtailmentRequest;
import fleet.curtailment.v1.StartCurtailmentResponse;
import fleet.persistence.Bootstrap;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The StartCurtailment benchmark of SPEC §10 / issue 4: in one process and one run, for each fleet size, Preview and
 * Start latency (FULL_FLEET over the whole org, so every device becomes a target) over real gRPC against an api-service
 * child process and real PostgreSQL, and the bare {@code COPY … FROM STDIN} of the same target rows into a scratch table
 * shaped like {@code curtailment_target} (the physical floor). Only the gRPC call (resp. the COPY) is inside the timed
 * section; setup, releasing the devices between repetitions and vacuuming are not.
 */
public final class StartBenchmark {

    /** What to run. {@code runs}/{@code warmups} null = per size: 7/2 below 100 000 devices, 5/1 from 100 000. */
    public record Options(List<Integer> sizes, Integer runs, Integer warmups, String dbHost, int dbPort, String dbUser,
            String dbPassword, String dbName, List<String> dbSettings, List<String> experimentSql, boolean keepDb, Path apiApp, String apiHeap, List<String> apiJvmArgs,
            Path apiLog) {

        int runsFor(int size) {
            return runs != null ? runs : size >= 100_000 ? 5 : 7;
        }

        int warmupsFor(int size) {
            return warmups != null ? warmups : size >= 100_000 ? 1 : 2;
        }
    }

    /** Latency samples of the measured repetitions, in milliseconds. */
    public record Samples(List<Double> ms) {

        public double median() {
            List<Double> s = sorted();
            int n = s.size();
            return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
        }

        /** Nearest-rank p95 (with 5–7 samples: the slowest run). */
        public double p95() {
            List<Double> s = sorted();
            return s.get(Math.max(0, (int) Math.ceil(0.95 * s.size()) - 1));
        }

        private List<Double> sorted() {
            if (ms.isEmpty()) {
                throw new IllegalStateException("no samples");
            }
            List<Double> s = new ArrayList<>(ms);
            Collections.sort(s);
            return s;
        }
    }

    /** One fleet size. Peaks are the api-service's resident set during the calls, in kB (max over repetitions). */
    public record SizeResult(int devices, int runs, int warmups, double registerSeconds, double telemetrySeconds,
            Samples preview, Samples start, Samples copy, long previewPeakRssKb, long startPeakRssKb) {

        public double startToCopy() {
            return start.median() / copy.median();
        }

        /**
         * Median of the per-repetition ratios Start_i / COPY_i. Each COPY runs right after its Start, so on a machine
         * with varying background load this pairs both under the same conditions and is the steadier figure.
         */
        public double pairedStartToCopy() {
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < start.ms().size(); i++) {
                ratios.add(start.ms().get(i) / copy.ms().get(i));
            }
            return new Samples(ratios).median();
        }
    }

    /** The whole run. */
    public record Report(List<SizeResult> sizes, String apiHeap, boolean kernelPeak, long apiPid, Path apiLog,
            String loadBefore, String loadAfter, List<String> experimentSql) {
    }

    /** {@code /proc/loadavg}'s 1/5/15-minute averages: other work on the machine skews every figure. */
    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private final Options options;
    private final PrintStream progress;

    public StartBenchmark(Options options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    public Report run() throws Exception {
        BenchDatabase db = new BenchDatabase(options.dbHost(), options.dbPort(), options.dbUser(), options.dbPassword(),
                options.dbName());
        db.recreate(options.dbSettings());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DB_HOST", options.dbHost());
        env.put("DB_PORT", Integer.toString(options.dbPort()));
        env.put("DB_NAME", options.dbName());
        env.put("DB_USER", options.dbUser());
        env.put("DB_PASSWORD", options.dbPassword() == null ? "" : options.dbPassword());
        progress.printf("starting the api-service (-Xmx%s, database %s, log %s) ...%n", options.apiHeap(), db.name(),
                options.apiLog());
        String loadBefore = loadAverage();
        ManagedChannel channel = null;
        try (ApiServiceProcess api = ApiServiceProcess.start(options.apiApp(), options.apiHeap(), options.apiJvmArgs(), env,
                options.apiLog(), Duration.ofMinutes(3))) {
            progress.printf("api-service pid %d on 127.0.0.1:%d, resident %d MB after start%n", api.pid(), api.port(),
                    api.rssKb() / 1024);
            channel = ManagedChannelBuilder.forAddress("127.0.0.1", api.port()).usePlaintext()
                    .maxInboundMessageSize(64 << 20).build();
            boolean kernelPeak = api.resetPeak();
            List<SizeResult> results = new ArrayList<>();
            try (Connection c = db.connect()) {
                BenchDatabase.createCopyTable(c);
                for (String sql : options.experimentSql()) {
                    progress.printf("EXPERIMENT: schema changed before measuring: %s%n", sql);
                    try (var st = c.createStatement()) {
                        st.execute(sql);
                    }
                }
                for (int size : options.sizes()) {
                    results.add(runSize(c, channel, api, size, kernelPeak));
                }
            }
            return new Report(results, options.apiHeap(), kernelPeak, api.pid(), options.apiLog(), loadBefore,
                    loadAverage(), options.experimentSql());
        } finally {
            if (channel != null) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            if (!options.keepDb()) {
                db.drop();
            }
        }
    }

    private SizeResult runSize(Connection c, ManagedChannel channel, ApiServiceProcess api, int n, boolean kernelPeak)
            throws Exception {
        int runs = options.runsFor(n);
        int warmups = options.warmupsFor(n);
        Bootstrap.Result org = BenchDatabase.createOrg(c, n);
        CallCredentials bearer = bearer(org.apiKey());
        String prefix = "b" + n + "-";

        long t0 = System.nanoTime();
        register(channel, bearer, prefix, n);
        long t1 = System.nanoTime();
        int samples = BenchDatabase.writeTelemetry(c, org.orgId(), prefix, n);
        long t2 = System.nanoTime();
        if (samples != n) {
            throw new IllegalStateException("wrote " + samples + " telemetry samples for " + n + " devices");
        }
        BenchDatabase.vacuumAnalyze(c, "device", "device_telemetry_latest", "curtailment_target", "curtailment_event",
                BenchDatabase.COPY_TABLE);
        double registerSeconds = (t1 - t0) / 1e9;
        double telemetrySeconds = (t2 - t1) / 1e9;
        progress.printf("[%,d] registered %,d devices in %.1f s (RegisterDevices, 10 000 per call), telemetry in %.1f s%n",
                n, n, registerSeconds, telemetrySeconds);

        // Preview: reads only, so the repetitions need no cleanup.
        List<Double> preview = new ArrayList<>();
        long previewPeak = 0;
        for (int i = 0; i < warmups + runs; i++) {
            api.resetPeak();
            long s = System.nanoTime();
            PreviewCurtailmentPlanResponse plan = CurtailmentServiceGrpc.newBlockingStub(channel)
                    .withCallCredentials(bearer).withDeadlineAfter(5, TimeUnit.MINUTES)
                    .previewCurtailmentPlan(PreviewCurtailmentPlanRequest.newBuilder()
                            .setScope(Scope.newBuilder().setWholeOrg(true))
                            .setMode(CurtailmentMode.CURTAILMENT_MODE_FULL_FLEET).build());
            long e = System.nanoTime();
            if (plan.getSelectedTotal() != n) {
                throw new IllegalStateException("Preview selected " + plan.getSelectedTotal() + " of " + n + " devices");
            }
            if (i >= warmups) {
                preview.add((e - s) / 1e6);
                previewPeak = Math.max(previewPeak, api.peakKb(kernelPeak));
            }
        }
        progress.printf("[%,d] Preview %s%n", n, brief(preview));

        // Start and the COPY floor, interleaved so both tables grow alike and noise hits both.
        List<Double> start = new ArrayList<>();
        List<Double> copy = new ArrayList<>();
        long startPeak = 0;
        List<String> rows = null;
        for (int i = 0; i < warmups + runs; i++) {
            api.resetPeak();
            long s = System.nanoTime();
            StartCurtailmentResponse started = CurtailmentServiceGrpc.newBlockingStub(channel)
                    .withCallCredentials(bearer).withDeadlineAfter(5, TimeUnit.MINUTES)
                    .startCurtailment(StartCurtailmentRequest.newBuilder()
                            .setScope(Scope.newBuilder().setWholeOrg(true))
                            .setMode(CurtailmentMode.CURTAILMENT_MODE_FULL_FLEET)
                            .setReason("bench: " + n + " devices, repetition " + i).build());
            long e = System.nanoTime();
            long peak = api.peakKb(kernelPeak);
            if (started.getReplayed() || started.getEvent().getTargetCount() != n || started.getTargetsCount() == 0) {
                throw new IllegalStateException("Start returned " + started.getEvent().getTargetCount() + " targets (first"
                        + " page " + started.getTargetsCount() + ", replayed " + started.getReplayed() + ") for " + n
                        + " devices");
            }
            UUID event = UUID.fromString(started.getEvent().getEventId());
            if (rows == null) {
                rows = BenchDatabase.targetRowsWithoutEvent(c, event);
                if (rows.size() != n) {
                    throw new IllegalStateException("the Start wrote " + rows.size() + " targets for " + n + " devices");
                }
            }
            BenchDatabase.releaseEvent(c, event);

            UUID copyEvent = UUID.randomUUID();
            byte[] payload = BenchDatabase.copyPayload(copyEvent, rows);
            long cs = System.nanoTime();
            long copied = BenchDatabase.copy(c, payload);
            long ce = System.nanoTime();
            if (copied != n) {
                throw new IllegalStateException("COPY wrote " + copied + " rows for " + n);
            }
            BenchDatabase.releaseCopy(c, copyEvent);
            if (i >= warmups) {
                start.add((e - s) / 1e6);
                copy.add((ce - cs) / 1e6);
                startPeak = Math.max(startPeak, peak);
            }
        }
        progress.printf("[%,d] Start %s; COPY %s; api-service peak RSS during Start %d MB%n", n, brief(start),
                brief(copy), startPeak / 1024);
        return new SizeResult(n, runs, warmups, registerSeconds, telemetrySeconds, new Samples(preview),
                new Samples(start), new Samples(copy), previewPeak, startPeak);
    }

    private static void register(ManagedChannel channel, CallCredentials bearer, String prefix, int n) {
        for (int from = 0; from < n; from += 10_000) {
            RegisterDevicesRequest.Builder req = RegisterDevicesRequest.newBuilder();
            int to = Math.min(n, from + 10_000);
            for (int i = from; i < to; i++) {
                req.addDevices(DeviceRegistration.newBuilder().setIdentifier(prefix + String.format("%06d", i))
                        .setHost("10." + ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "." + (i & 255))
                        .setPort(4028).setDriver("luxos"));
            }
            RegisterDevicesResponse resp = InventoryServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer)
                    .withDeadlineAfter(5, TimeUnit.MINUTES).registerDevices(req.build());
            if (resp.getCreatedCount() != to - from) {
                throw new IllegalStateException("RegisterDevices created " + resp.getCreatedCount() + " of " + (to - from));
            }
        }
    }

    private static String brief(List<Double> ms) {
        StringBuilder sb = new StringBuilder();
        for (double v : ms) {
            sb.append(sb.length() == 0 ? "" : " ").append(ms(v));
        }
        return "[" + sb + "] ms";
    }

    static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(headers);
            }
        };
    }

    /** The result table. */
    public static String table(Report report) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%n StartCurtailment benchmark — FULL_FLEET, whole org; gRPC (h2c) to one api-service"
                + " (-Xmx%s), PostgreSQL; %d CPUs%n", report.apiHeap(), Runtime.getRuntime().availableProcessors()));
        sb.append(" latencies in ms: median / p95 (nearest rank) over the measured runs, after the warm-ups\n");
        for (String sql : report.experimentSql()) {
            sb.append(" EXPERIMENT — not the project's schema: ").append(sql).append('\n');
        }
        sb.append('\n');
        String header = String.format("| %9s | %12s | %17s | %17s | %17s | %10s | %13s | %14s | %13s |",
                "devices", "runs (+warm)", "Preview med / p95", "Start med / p95", "COPY med / p95", "Start/COPY",
                "paired ratio", "peak RSS Start", "peak RSS Prev");
        sb.append(header).append('\n');
        sb.append(header.replaceAll("[^|]", "-")).append('\n');
        for (SizeResult r : report.sizes()) {
            sb.append(String.format("| %,9d | %12s | %17s | %17s | %17s | %9.2fx | %12.2fx | %14s | %13s |%n",
                    r.devices(), r.runs() + " (+" + r.warmups() + ")", pair(r.preview()), pair(r.start()),
                    pair(r.copy()), r.startToCopy(), r.pairedStartToCopy(), (r.startPeakRssKb() / 1024) + " MB",
                    (r.previewPeakRssKb() / 1024) + " MB"));
        }
        sb.append('\n');
        for (SizeResult r : report.sizes()) {
            sb.append(String.format(" setup %,d devices: RegisterDevices %.1f s, telemetry INSERT %.1f s%n", r.devices(),
                    r.registerSeconds(), r.telemetrySeconds()));
        }
        sb.append(" Start/COPY = median Start / median COPY; paired ratio = median over the repetitions of Start_i /"
                + " COPY_i (each COPY runs right after its Start).\n");
        sb.append(" COPY = pgjdbc CopyManager COPY … FROM STDIN of the same target rows into a scratch table"
                + " (LIKE curtailment_target INCLUDING ALL: same columns, CHECKs, indexes; no foreign keys), committed.\n");
        sb.append(" peak RSS = the api-service's VmHWM during the calls (high-water mark reset before each call"
                + (report.kernelPeak() ? "" : " — reset refused here, so: max VmRSS sampled every 5 ms") + ").\n");
        sb.append(" load average (1/5/15 min) before ").append(report.loadBefore()).append(", after ")
                .append(report.loadAfter()).append("; api-service log ").append(report.apiLog()).append('\n');
        report.sizes().stream().filter(r -> r.devices() == 100_000).findFirst().ifPresent(r -> sb.append(String.format(
                "%n SPEC §10: Start of 100 000 targets within 3x the bare COPY: %.2fx (paired %.2fx) -> %s;"
                        + " api-service resident memory during the Start < 512 MB: %d MB -> %s%n",
                r.startToCopy(), r.pairedStartToCopy(), r.startToCopy() <= 3.0 ? "MET" : "MISSED",
                r.startPeakRssKb() / 1024,
                r.startPeakRssKb() < 512 * 1024 ? "MET" : "MISSED")));
        return sb.toString();
    }

    private static String pair(Samples s) {
        return ms(s.median()) + " / " + ms(s.p95());
    }

    static String ms(double v) {
        return String.format(v < 100 ? "%.1f" : "%.0f", v);
    }
}
