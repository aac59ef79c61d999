package fleet.api.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import fleet.auth.Role;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Verifies user-session JWTs (RS256 only) with nimbus-jose-jwt against one configured public key. Required claims:
 * {@code sub} (user id), {@code org_id}, {@code exp}, {@code iss}; roles in {@code groups} or {@code roles}
 * (the highest of ADMIN / OPERATOR / VIEWER wins).
 */
public final class JwtVerifier {

    private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private final RSASSAVerifier verifier;
    private final String issuer;
    private final Clock clock;

    /** The claims that matter once a token verified. */
    public record SessionClaims(UUID userId, UUID orgId, Role role) {
    }

    public JwtVerifier(RSAPublicKey key, String issuer, Clock clock) {
        this.verifier = new RSASSAVerifier(key);
        this.issuer = issuer;
        this.clock = clock;
    }

    /** Empty when the token is malformed, wrongly signed, expired, not yet valid, or lacks a claim. */
    public Optional<SessionClaims> verify(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Instant now = clock.instant();
            Date exp = claims.getExpirationTime();
            if (exp == null || !now.isBefore(exp.toInstant().plus(CLOCK_SKEW))) {
                return Optional.empty();
            }
            Date nbf = claims.getNotBeforeTime();
            if (nbf != null && now.plus(CLOCK_SKEW).isBefore(nbf.toInstant())) {
                return Optional.empty();
            }
            if (issuer != null && !issuer.isEmpty() && !issuer.equals(claims.getIssuer())) {
                return Optional.empty();
            }
            UUID user = UUID.fromString(claims.getSubject());
            UUID org = UUID.fromString(claims.getStringClaim("org_id"));
            Role role = highestRole(claims);
            return role == null ? Optional.empty() : Optional.of(new SessionClaims(user, org, role));
        } catch (ParseException | JOSEException | IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    private static Role highestRole(JWTClaimsSet claims) throws ParseException {
        Role best = null;
        for (String claim : List.of("groups", "roles")) {
            List<String> values = claims.getStringListClaim(claim);
            if (values == null) {
                continue;
            }
            for (String v : values) {
                for (Role r : Role.values()) {
                    if (r.name().equalsIgnoreCase(v) && (best == null || r.atLeast(best))) {
                        best = r;
                    }
                }
            }
        }
        return best;
    }

    /** Reads an X.509 SubjectPublicKeyInfo PEM from text, a file path or {@code classpath:...}. */
    public static RSAPublicKey readPublicKey(String pemOrNull, String locationOrNull) throws IOException {
        String pem = pemOrNull;
        if ((pem == null || pem.isBlank()) && locationOrNull != null && !locationOrNull.isBlank()) {
            if (locationOrNull.startsWith("classpath:")) {
                String resource = locationOrNull.substring("classpath:".length());
                try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IOException("no classpath resource " + resource);
                    }
                    pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                }
            } else {
                pem = Files.readString(Path.of(locationOrNull), StandardCharsets.US_ASCII);
            }
        }
        if (pem == null || pem.isBlank()) {
            return null;
        }
        String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("the configured JWT public key is not an RSA public key in PEM", e);
        }
    }
}
