/**
 * A fleet of simulated LuxOS (LUXminer) miners for tests and demos: N miners, each on its own
 * loopback address (127.x.y.z) and the cgminer API port, speaking the LuxOS dialect over real TCP,
 * with physics, faults and ground truth (SPEC §7.2).
 *
 * <h2>Public API (stable; everything else in this package is package-private)</h2>
 * <ul>
 *   <li>{@link fleet.simulator.FleetSimulator}: {@code start(SimulatorConfig)}, {@code close()};
 *       identity ({@code size}, {@code host(i)}, {@code port}, {@code indexOf(host)}); ground truth
 *       ({@code miner(i)}, {@code minerByAddress(host)}, {@code miners()}, {@code truth()},
 *       {@code trueTotalPowerW()}, {@code isListening(i)}); faults ({@code setFault},
 *       {@code clearFault}, {@code clearFaults}, {@code clearAllFaults}); actions outside the system
 *       ({@code wakeBehindTheSystemsBack}, {@code sleepBehindTheSystemsBack}, {@code stopMining},
 *       {@code startMining}, {@code rebootBehindTheSystemsBack}); the command log
 *       ({@code commandLog()}, {@code commandsReceived(host)}, {@code commandsReceived(host, verb)},
 *       {@code commandsReceivedByAll(verb)}, {@code clearCommandLog()}); {@code controlPort()}.</li>
 *   <li>{@link fleet.simulator.SimulatorConfig} (builder), {@link fleet.simulator.PhysicsSettings},
 *       {@link fleet.simulator.WakeProfile}, {@link fleet.simulator.MinerModel}.</li>
 *   <li>{@link fleet.simulator.Fault}, {@link fleet.simulator.FaultType},
 *       {@link fleet.simulator.MinerSelection}, {@link fleet.simulator.FaultAssignment}.</li>
 *   <li>Results: {@link fleet.simulator.MinerView}, {@link fleet.simulator.FleetTruth},
 *       {@link fleet.simulator.MinerState}, {@link fleet.simulator.CommandRecord},
 *       {@link fleet.simulator.CommandOutcome}.</li>
 *   <li>{@link fleet.simulator.SimulatorMain}: the command line ({@code java -jar simulator.jar}).</li>
 * </ul>
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li><b>Time.</b> The injected {@link java.time.Clock} is the only time source. Miner time is
 *       {@code (clock − start) × timeScale}; ramps, session expiry and averages run in miner time, while
 *       {@code When}, the command log and the ground-truth {@code at} use the unscaled clock. With a
 *       settable clock nothing moves until the test moves the clock (except listener re-checks, below).</li>
 *   <li><b>No per-miner threads or timers.</b> A miner holds one piecewise-linear course of power and
 *       hashrate; it is evaluated lazily whenever the miner is read or commanded, and the decaying and
 *       lifetime averages are integrated in closed form. Idle miners cost nothing.</li>
 *   <li><b>Threads.</b> All miners share {@code eventLoops} Vert.x event loops (one NetServer per
 *       address). Miner state is guarded by the miner's monitor, so the embedding API, the HTTP control
 *       surface and the event loops may touch it concurrently. One fleet-wide 100 ms timer re-checks only
 *       the ports that open or close on their own (flapping, rebooting, failed bind).</li>
 *   <li><b>Wire protocol.</b> One request per connection; the end of a JSON request is found by brace
 *       matching (bare, {@code \n}- or {@code \0}-terminated, pretty-printed and split writes all work),
 *       plain text {@code cmd|param} is accepted too. Every reply is JSON (keys sorted as LUXminer sends
 *       them) or cgminer text, then one NUL byte, then the connection is closed.</li>
 *   <li><b>Sessions.</b> One holder per miner; idle expiry 60 miner-seconds refreshed on every use;
 *       {@code logon} while held → STATUS E, Code 402 "Another session is active" without a SESSION
 *       section. Like LuxOS, any client presenting the active id is accepted.</li>
 *   <li><b>Faults</b> are per miner, reproducible from the seed (probabilistic ones draw from
 *       (seed, miner, request number)), and can be set or cleared at any time. Wire faults (timeout,
 *       close mid reply, malformed JSON, flaky telemetry) are applied per request; a timed-out request
 *       is never executed, a cut or garbled reply is executed.</li>
 *   <li><b>Ground truth</b> ({@link fleet.simulator.MinerView}, {@link fleet.simulator.FleetTruth}) is
 *       noise-free and ignores every fault that only distorts what a miner reports.</li>
 * </ul>
 *
 * <h2>Status codes</h2>
 * [V] = seen in cgminer's API or docs.luxor.tech; [E] = not published, chosen here.
 * <ul>
 *   <li>S: 7 pools, 9 devs, 11 summary, 22 version, 33 config, 70 stats [V cgminer]; 305 reboot
 *       scheduled, 311 power, 316 session created, 319 session information, 321 profile set, 335
 *       curtailment command sent [V LuxOS]; 317 session ended, 338 device reboot scheduled, 344 power
 *       target set [E].</li>
 *   <li>E: 14 invalid command, 23 invalid JSON, 24 missing JSON 'command', 45 access denied [V
 *       cgminer]; 402 another session is active [V LuxOS]; 400 invalid parameter, 401 invalid session
 *       id, 403 authentication failed, 306 board reboot refused in sleep mode [E].</li>
 * </ul>
 */
package fleet.simulator;
