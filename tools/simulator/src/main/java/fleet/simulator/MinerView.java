package fleet.simulator;

import java.util.Set;

/**
 * Ground truth for one simulated miner at one instant: what it really draws and hashes, without
 * read noise and regardless of faults that distort what it reports.
 *
 * @param index             position in the fleet (0-based)
 * @param host              its loopback address, e.g. {@code 127.1.0.1}
 * @param port              its API port
 * @param model             hardware model
 * @param state             {@link MinerState#OFFLINE} while unreachable by fault, otherwise {@code physicalState}
 * @param physicalState     what the hashboards are doing
 * @param reachable         whether its API port accepts connections right now
 * @param sleepRequested    LuxOS {@code CurtailMode} is "Sleep" (survives reboots; a stuck miner has it
 *                          set while still mining)
 * @param truePowerW        real draw in watts
 * @param trueHashrateThs   real hashrate in TH/s
 * @param operatingPowerW   what it draws when mining at its current power target or profile
 * @param operatingHashrateThs the hashrate that goes with {@code operatingPowerW}
 * @param sessionHeld       a LuxOS session is currently held (and not expired)
 * @param faults            active faults
 * @param uptimeSeconds     miner seconds since its last boot ({@code Elapsed})
 */
public record MinerView(
        int index,
        String host,
        int port,
        MinerModel model,
        MinerState state,
        MinerState physicalState,
        boolean reachable,
        boolean sleepRequested,
        double truePowerW,
        double trueHashrateThs,
        double operatingPowerW,
        double operatingHashrateThs,
        boolean sessionHeld,
        Set<FaultType> faults,
        long uptimeSeconds) {
}
