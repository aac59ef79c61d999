package fleet.simulator;

/**
 * The model table: nameplate power and hashrate per hardware model.
 *
 * <p>Figures follow the vendor numbers quoted in {@code notes/miner-protocols.md} §4 (S19 Pro
 * 3 250 W / 110 TH/s, S21 3 500 W / 200 TH/s, S21 Pro 15 J/TH at 234 TH/s, T21 ~3 610 W / 190 TH/s,
 * capped to the 3 600 W upper bound of SPEC §7.2). {@code psuReportsPower} decides the LuxOS
 * {@code POWER[0].PSU} flag: true when the PSU measures the wattage, false when LuxOS estimates it.
 */
public enum MinerModel {
    ANTMINER_S19_PRO("Antminer S19 Pro", 3250, 110.0, false),
    ANTMINER_S21("Antminer S21", 3500, 200.0, true),
    ANTMINER_S21_PRO("Antminer S21 Pro", 3510, 234.0, true),
    ANTMINER_T21("Antminer T21", 3600, 190.0, true);

    private final String displayName;
    private final int nameplateWatts;
    private final double nameplateThs;
    private final boolean psuReportsPower;

    MinerModel(String displayName, int nameplateWatts, double nameplateThs, boolean psuReportsPower) {
        this.displayName = displayName;
        this.nameplateWatts = nameplateWatts;
        this.nameplateThs = nameplateThs;
        this.psuReportsPower = psuReportsPower;
    }

    /** The name the firmware reports in {@code VERSION[0].Type} and {@code CONFIG[0].Model}. */
    public String displayName() {
        return displayName;
    }

    public int nameplateWatts() {
        return nameplateWatts;
    }

    public double nameplateThs() {
        return nameplateThs;
    }

    public boolean psuReportsPower() {
        return psuReportsPower;
    }
}
