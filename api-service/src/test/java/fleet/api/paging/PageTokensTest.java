package fleet.api.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fleet.api.Errors;
import fleet.api.app.EventQueries.EventCursor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Page tokens are signed, bound to the organization and the filters, and decode to typed keys. The expected tokens
 * are built here independently of {@link PageTokens}: base64url(payload) "." base64url(HMAC-SHA256 truncated to 16
 * bytes) over {@code "fleet-page-token/v2\n" + org + "\n" + payload}, payload {@code {"f": hex(SHA-256(filters)[0..12]),
 * "k": key}}.
 */
class PageTokensTest {

    private static final UUID ID = UUID.fromString("5d0c2a8e-3f4b-4c1d-9e2f-0a1b2c3d4e5f");
    private static final UUID ORG = UUID.fromString("0b6d7c1e-0000-4000-8000-00000000000a");
    private static final UUID OTHER_ORG = UUID.fromString("0b6d7c1e-0000-4000-8000-00000000000b");
    private static final String KEY = "unit-test-page-token-key-0000000000001";
    private static final String OLD_KEY = "unit-test-page-token-key-0000000000002";
    private static final String FOREIGN_KEY = "someone-elses-page-token-key-000000003";

    private PageTokenKeys before;

    @BeforeEach
    void keys() {
        before = PageTokens.installed();
        PageTokens.install(PageTokenKeys.of(List.of(KEY, OLD_KEY)));
    }

    @AfterEach
    void restore() {
        PageTokens.install(before);
    }

    @Test
    void signedTokensDecodeToTypedKeys() {
        assertThat(PageTokens.decode("page_token", token(KEY, ORG, "sites", "\"rack-hall\""), ORG, "sites", PageKey.TEXT))
                .isEqualTo("rack-hall");
        assertThat(PageTokens.decode("page_token", token(KEY, ORG, "racks|null", "\"" + ID + "\""), ORG, "racks|null",
                PageKey.UUID_KEY)).isEqualTo(ID);
        assertThat(PageTokens.decode("page_token", token(KEY, ORG, "events|[]",
                "{\"t\":\"2026-03-04T05:06:07.123456Z\",\"i\":\"" + ID + "\"}"), ORG, "events|[]", EventCursor.KEY))
                .isEqualTo(new EventCursor(OffsetDateTime.of(2026, 3, 4, 5, 6, 7, 123_456_000, ZoneOffset.UTC), ID));
        PageKey<long[]> rankAndId = PageKey.pair("r", PageKey.INT, k -> (int) k[0], "i", PageKey.LONG, k -> k[1],
                (r, i) -> new long[] {r, i});
        assertThat(PageTokens.decode("target_page_token", token(KEY, ORG, "targets", "{\"r\":3,\"i\":9000000000}"), ORG,
                "targets", rankAndId)).containsExactly(3, 9_000_000_000L);
        assertThat(PageTokens.decode("page_token", token(KEY, ORG, "activity", "1767225600000001"), ORG, "activity",
                PageKey.EPOCH_MICROS)).isEqualTo(OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 1_000, ZoneOffset.UTC));
    }

    @Test
    void encodingIsTheSignedWireFormat() {
        assertThat(PageTokens.encode(ORG, "sites", PageKey.TEXT, "rack-hall"))
                .isEqualTo(token(KEY, ORG, "sites", "\"rack-hall\""));
        assertThat(PageTokens.encode(ORG, "events|[]", EventCursor.KEY,
                new EventCursor(OffsetDateTime.of(2026, 3, 4, 5, 6, 7, 123_456_000, ZoneOffset.UTC), ID)))
                .isEqualTo(token(KEY, ORG, "events|[]", "{\"t\":\"2026-03-04T05:06:07.123456Z\",\"i\":\"" + ID + "\"}"));
        assertThat(PageTokens.encode(ORG, "activity", PageKey.EPOCH_MICROS,
                OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 1_000, ZoneOffset.UTC)))
                .isEqualTo(token(KEY, ORG, "activity", "1767225600000001"));
    }

    @Test
    void noTokenIsTheFirstPage() {
        assertThat(PageTokens.decode("page_token", "", ORG, "sites", PageKey.TEXT)).isNull();
        assertThat(PageTokens.decode("page_token", null, ORG, "sites", PageKey.UUID_KEY)).isNull();
    }

    @Test
    void aTokenOfOtherFiltersIsRefusedNamingTheField() {
        StatusRuntimeException e = refused(() -> PageTokens.decode("target_page_token",
                PageTokens.encode(ORG, "targets|a", PageKey.TEXT, "x"), ORG, "targets|b", PageKey.TEXT));
        assertThat(Errors.fields(e)).containsExactly("target_page_token");
        assertThat(e.getStatus().getDescription()).contains("different filters");
    }

    @Test
    void aTokenOfAnotherOrganizationIsRefused() {
        String ours = PageTokens.encode(ORG, "sites", PageKey.TEXT, "rack-hall");
        assertThat(Errors.fields(refused(() -> PageTokens.decode("page_token", ours, OTHER_ORG, "sites", PageKey.TEXT))))
                .containsExactly("page_token");
        assertThat(Errors.fields(refused(() -> PageTokens.decode("page_token", ours, null, "sites", PageKey.TEXT))))
                .containsExactly("page_token");
    }

    @Test
    void forgedTruncatedResignedAndUnsignedTokensAreRefused() {
        String good = PageTokens.encode(ORG, "sites", PageKey.TEXT, "b");
        String payload = good.substring(0, good.indexOf('.'));
        String mac = good.substring(good.indexOf('.') + 1);
        String otherPayload = b64(("{\"f\":\"" + digest("sites") + "\",\"k\":\"z\"}").getBytes(StandardCharsets.UTF_8));
        String[] forged = {
            otherPayload + "." + mac,                                      // key changed, MAC kept
            payload + "." + mac.substring(0, mac.length() - 2),            // MAC truncated
            payload + "." + flipFirstChar(mac),                            // MAC altered
            payload,                                                       // MAC dropped
            good.substring(0, good.length() / 2),                          // token cut in half
            payload + "." + mac + "." + mac,                               // two MACs
            "." + mac,                                                     // payload dropped
            token(FOREIGN_KEY, ORG, "sites", "\"b\""),                     // re-signed with a key we do not hold
            unsigned("sites", "\"b\""),                                    // the earlier, unsigned format
            b64(macOf(KEY, ORG, "junk".getBytes(StandardCharsets.UTF_8))), // a MAC alone
            "%%%." + mac, payload + ".%%%", "x".repeat(PageTokens.MAX_TOKEN_CHARS + 1),
        };
        for (String t : forged) {
            StatusRuntimeException e = refused(() -> PageTokens.decode("page_token", t, ORG, "sites", PageKey.TEXT));
            assertThat(Errors.fields(e)).as(t).containsExactly("page_token");
            assertThat(e.getStatus().getDescription()).as(t).contains("not a page token issued by this server");
        }
        assertThat(PageTokens.decode("page_token", good, ORG, "sites", PageKey.TEXT)).isEqualTo("b");
    }

    @Test
    void aTokenSignedWithAnOlderKeyStillDecodesUntilThatKeyIsDropped() {
        String signedByOld = token(OLD_KEY, ORG, "sites", "\"b\"");
        assertThat(PageTokens.decode("page_token", signedByOld, ORG, "sites", PageKey.TEXT)).isEqualTo("b");

        PageTokens.install(PageTokenKeys.of(List.of(KEY)));
        assertThat(Errors.fields(refused(() -> PageTokens.decode("page_token", signedByOld, ORG, "sites", PageKey.TEXT))))
                .containsExactly("page_token");
    }

    @Test
    void keysShorterThan256BitsAreRefusedWithoutShowingThem() {
        assertThatThrownBy(() -> PageTokenKeys.of(List.of(KEY, "short-secret")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key 2 of 2")
                .hasMessageNotContaining("short-secret");
    }

    @Test
    void signedKeysOfAnotherShapeAreRefusedNamingTheField() {
        String[] notOurs = {token(KEY, ORG, "f", "\"not-a-uuid\""), token(KEY, ORG, "f", "42"),
                token(KEY, ORG, "f", "{\"t\":\"x\"}"), token(KEY, ORG, "f", "{\"t\":\"2026-03-04T05:06:07Z\",\"i\":7}"),
                token(KEY, ORG, "f", "null"), signedPayload(KEY, ORG, "[1]"), signedPayload(KEY, ORG, "{\"f\":1}"),
                signedPayload(KEY, ORG, "not json")};
        for (String t : notOurs) {
            StatusRuntimeException e = refused(() -> PageTokens.decode("page_token", t, ORG, "f", PageKey.UUID_KEY));
            assertThat(Errors.fields(e)).containsExactly("page_token");
            StatusRuntimeException pair = refused(() -> PageTokens.decode("page_token", t, ORG, "f", EventCursor.KEY));
            assertThat(Errors.fields(pair)).containsExactly("page_token");
        }
        assertThat(Errors.fields(refused(() -> PageTokens.decode("page_token", token(KEY, ORG, "f", "\"7\""), ORG, "f",
                PageKey.LONG)))).containsExactly("page_token");
        assertThat(Errors.fields(refused(() -> PageTokens.decode("page_token", token(KEY, ORG, "f", "1.5"), ORG, "f",
                PageKey.LONG)))).containsExactly("page_token");
        assertThat(Errors.fields(refused(() -> PageTokens.decode("page_token", token(KEY, ORG, "f", "9000000000"), ORG,
                "f", PageKey.INT)))).containsExactly("page_token");
        assertThat(Errors.fields(refused(() -> PageTokens.decode("page_token", token(KEY, ORG, "f", "7"), ORG, "f",
                PageKey.TEXT)))).containsExactly("page_token");
    }

    private static StatusRuntimeException refused(Runnable call) {
        StatusRuntimeException e = Errors.failure(call);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        return e;
    }

    private static String token(String key, UUID org, String filters, String keyJson) {
        return signedPayload(key, org, "{\"f\":\"" + digest(filters) + "\",\"k\":" + keyJson + "}");
    }

    private static String signedPayload(String key, UUID org, String payloadText) {
        byte[] payload = payloadText.getBytes(StandardCharsets.UTF_8);
        return b64(payload) + "." + b64(macOf(key, org, payload));
    }

    private static String unsigned(String filters, String keyJson) {
        return b64(("{\"f\":\"" + digest(filters) + "\",\"k\":" + keyJson + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] macOf(String key, UUID org, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(("fleet-page-token/v2\n" + org + "\n").getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(mac.doFinal(payload), 16);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String digest(String filters) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(filters.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String flipFirstChar(String s) {
        return (s.charAt(0) == 'A' ? 'B' : 'A') + s.substring(1);
    }
}
