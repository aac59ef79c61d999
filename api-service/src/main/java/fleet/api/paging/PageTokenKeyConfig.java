package fleet.api.paging;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Installs the page-token keys at start: {@code fleet.paging.hmac-key} (env {@code FLEET_PAGE_TOKEN_KEY}), a
 * comma-separated list, the first key signing. Without a key (a bare {@code java -jar}), a random key is generated
 * and a WARN says what that costs: tokens die with the process and do not work across replicas (docs/decisions.md
 * D39). Dev and test profiles configure a fixed key.
 */
@Startup
@ApplicationScoped
public class PageTokenKeyConfig {

    private static final Logger LOG = Logger.getLogger(PageTokenKeyConfig.class);

    @ConfigProperty(name = "fleet.paging.hmac-key")
    Optional<List<String>> keys;

    @PostConstruct
    void install() {
        List<String> configured = keys.orElse(List.of()).stream().filter(k -> !k.isBlank()).toList();
        if (configured.isEmpty()) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            PageTokens.install(PageTokenKeys.ofBytes(List.of(random)));
            LOG.warn("fleet.paging.hmac-key (FLEET_PAGE_TOKEN_KEY) is not set: page tokens are signed with a random key"
                    + " made at start, so they stop working when this process restarts and are refused by other"
                    + " replicas. Set the same key on every replica.");
            return;
        }
        PageTokens.install(PageTokenKeys.of(configured));
        LOG.debugf("page tokens: %d key(s) configured", configured.size());
    }
}
