package fleet.driver.luxos;

import fleet.driver.CommandOutcome;
import fleet.driver.DeviceEndpoint;
import fleet.driver.DriverSettings;
import fleet.driver.MinerCallException;
import fleet.driver.RefusalReason;
import fleet.driver.guard.Delays;
import fleet.driver.transport.CgminerClient;
import fleet.driver.transport.CgminerReply;
import fleet.driver.transport.CgminerRequest;
import fleet.driver.transport.LenientValues;
import fleet.driver.transport.StatusOutcomes;
import io.smallrye.mutiny.Uni;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * One LuxOS write as a session transaction: {@code logon} → command → {@code logoff} (notes §2.4).
 *
 * <p>LuxOS allows one session per miner. A {@code logon} answered with {@code Code 402 "Another session
 * is active"} is retried with jittered exponential backoff up to {@link DriverSettings#busyRetries()}
 * times, then reported as BUSY for the caller's own retry budget. We never hold a session beyond one
 * command: an idle session blocks every other client for a minute.
 */
final class LuxosSession {

    private static final Logger LOG = Logger.getLogger(LuxosSession.class);

    private final CgminerClient client;
    private final DriverSettings settings;

    LuxosSession(CgminerClient client) {
        this.client = client;
        this.settings = client.settings();
    }

    /**
     * Runs {@code command} with parameter {@code <sid>[,argument]} inside a session.
     *
     * @param interpret   maps the command's reply to an outcome
     * @param logoffAfter false for commands after which the API goes away (reboot): a logoff would only
     *                    burn a timeout and count against the miner's circuit
     */
    Uni<CommandOutcome> run(DeviceEndpoint device, String command, String argument,
                            Function<CgminerReply, CommandOutcome> interpret, boolean logoffAfter) {
        return logon(device, 0)
                .onItem().transformToUni(sid -> client
                        .send(device, new CgminerRequest(command, argument == null ? sid : sid + ',' + argument))
                        .map(interpret)
                        .onFailure().recoverWithItem(CommandOutcome::fromFailure)
                        .call(outcome -> logoffAfter && outcome.kind() != CommandOutcome.Kind.UNREACHABLE
                                ? logoff(device, sid)
                                : Uni.createFrom().voidItem()))
                .onFailure().recoverWithItem(CommandOutcome::fromFailure);
    }

    /** The session id, or a failure carrying BUSY / REFUSED / a transport outcome. */
    private Uni<String> logon(DeviceEndpoint device, int attempt) {
        return client.send(device, CgminerRequest.of("logon")).flatMap(reply -> {
            if (reply.ok()) {
                String sid = LenientValues.asText(reply.first("SESSION").get("SessionID"));
                if (sid == null) {
                    return Uni.createFrom().failure(new MinerCallException(
                            CommandOutcome.protocolError("logon succeeded without a SessionID", reply.raw())));
                }
                return Uni.createFrom().item(sid);
            }
            CommandOutcome refusal = logonFailure(reply);
            if (refusal.kind() == CommandOutcome.Kind.BUSY && attempt < settings.busyRetries()) {
                return Delays.after(client.vertx(),
                                Delays.backoff(attempt, settings.busyBackoffInitial(), settings.busyBackoffMax()))
                        .flatMap(ignored -> logon(device, attempt + 1));
            }
            return Uni.createFrom().failure(new MinerCallException(refusal));
        });
    }

    /** 402 is BUSY; 14/45 keep their generic meaning; anything else refusing a logon is an auth failure. */
    private static CommandOutcome logonFailure(CgminerReply reply) {
        CommandOutcome generic = StatusOutcomes.failureOf(reply);
        if (generic.kind() == CommandOutcome.Kind.REFUSED && generic.reason() == RefusalReason.REJECTED) {
            return CommandOutcome.refused(RefusalReason.AUTH, "logon refused: " + reply.status().describe())
                    .withReplyCode(reply.status().code());
        }
        return generic;
    }

    /** Best effort: a failed logoff never changes the command's outcome; the session idles out in 60 s. */
    private Uni<Void> logoff(DeviceEndpoint device, String sid) {
        return client.send(device, new CgminerRequest("logoff", sid))
                .onItem().invoke(reply -> {
                    if (!reply.ok()) {
                        LOG.debugf("logoff on %s refused: %s", device, reply.status().describe());
                    }
                })
                .onFailure().invoke(e -> LOG.debugf("logoff on %s failed: %s", device, e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
