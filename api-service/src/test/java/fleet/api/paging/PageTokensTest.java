package fleet.api.paging;

import static org.assertj.core.api.Assertions.assertThat;

import fleet.api.app.EventQueries.EventCursor;
import fleet.api.Errors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Page tokens decode to typed keys, and tokens in the wire format handed out so far keep decoding. The expected
 * tokens are built here independently of {@link PageTokens}: base64url (unpadded) of
 * {@code {"f": hex(SHA-256(filters)[0..12]), "k": key}}.
 */
class PageTokensTest {

    private static final UUID ID = UUID.fromString("5d0c2a8e-3f4b-4c1d-9e2f-0a1b2c3d4e5f");

    @Test
    void tokensInTheExistingWireFormatDecodeToTypedKeys() {
        assertThat(PageTokens.decode("page_token", token("sites", "\"rack-hall\""), "sites", PageKey.TEXT))
                .isEqualTo("rack-hall");
        assertThat(PageTokens.decode("page_token", token("racks|null", "\"" + ID + "\""), "racks|null", PageKey.UUID_KEY))
                .isEqualTo(ID);
        assertThat(PageTokens.decode("page_token", token("events|[]",
                "{\"t\":\"2026-03-04T05:06:07.123456Z\",\"i\":\"" + ID + "\"}"), "events|[]", EventCursor.KEY))
                .isEqualTo(new EventCursor(OffsetDateTime.of(2026, 3, 4, 5, 6, 7, 123_456_000, ZoneOffset.UTC), ID));
        PageKey<long[]> rankAndId = PageKey.pair("r", PageKey.INT, k -> (int) k[0], "i", PageKey.LONG, k -> k[1],
                (r, i) -> new long[] {r, i});
        assertThat(PageTokens.decode("target_page_token", token("targets", "{\"r\":3,\"i\":9000000000}"), "targets",
                rankAndId)).containsExactly(3, 9_000_000_000L);
        PageKey<OffsetDateTime> micros = PageKey.EPOCH_MICROS;
        assertThat(PageTokens.decode("page_token", token("activity", "1767225600000001"), "activity", micros))
                .isEqualTo(OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 1_000, ZoneOffset.UTC));
    }

    @Test
    void encodingIsTheExistingWireFormat() {
        assertThat(PageTokens.encode("sites", PageKey.TEXT, "rack-hall")).isEqualTo(token("sites", "\"rack-hall\""));
        assertThat(PageTokens.encode("racks|null", PageKey.UUID_KEY, ID)).isEqualTo(token("racks|null", "\"" + ID + "\""));
        assertThat(PageTokens.encode("events|[]", EventCursor.KEY,
                new EventCursor(OffsetDateTime.of(2026, 3, 4, 5, 6, 7, 123_456_000, ZoneOffset.UTC), ID)))
                .isEqualTo(token("events|[]", "{\"t\":\"2026-03-04T05:06:07.123456Z\",\"i\":\"" + ID + "\"}"));
        assertThat(PageTokens.encode("activity", PageKey.EPOCH_MICROS,
                OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 1_000, ZoneOffset.UTC))).isEqualTo(token("activity", "1767225600000001"));
    }

    @Test
    void noTokenIsTheFirstPage() {
        assertThat(PageTokens.decode("page_token", "", "sites", PageKey.TEXT)).isNull();
        assertThat(PageTokens.decode("page_token", null, "sites", PageKey.UUID_KEY)).isNull();
    }

    @Test
    void aTokenOfOtherFiltersIsRefusedNamingTheField() {
        StatusRuntimeException e = refused(() -> PageTokens.decode("target_page_token",
                PageTokens.encode("targets|a", PageKey.TEXT, "x"), "targets|b", PageKey.TEXT));
        assertThat(Errors.fields(e)).containsExactly("target_page_token");
        assertThat(e.getStatus().getDescription()).contains("different filters");
    }

    @Test
    void garbageAndKeysOfAnotherShapeAreRefusedNamingTheField() {
        String[] notOurs = {"%%%", Base64.getUrlEncoder().encodeToString("[1]".getBytes(StandardCharsets.UTF_8)),
                token("f", "\"not-a-uuid\""), token("f", "42"), token("f", "{\"t\":\"x\"}"),
                token("f", "{\"t\":\"2026-03-04T05:06:07Z\",\"i\":7}"), token("f", "null")};
        for (String t : notOurs) {
            StatusRuntimeException e = refused(() -> PageTokens.decode("page_token", t, "f", PageKey.UUID_KEY));
            assertThat(Errors.fields(e)).containsExactly("page_token");
            StatusRuntimeException pair = refused(() -> PageTokens.decode("page_token", t, "f", EventCursor.KEY));
            assertThat(Errors.fields(pair)).containsExactly("page_token");
        }
        assertThat(Errors.fields(refused(() -> PageTokens.decode("page_token", token("f", "\"7\""), "f", PageKey.LONG))))
                .containsExactly("page_token");
        assertThat(Errors.fields(refused(() -> PageTokens.decode("page_token", token("f", "1.5"), "f", PageKey.LONG))))
                .containsExactly("page_token");
        assertThat(Errors.fields(refused(() -> PageTokens.decode("page_token", token("f", "9000000000"), "f",
                PageKey.INT)))).containsExactly("page_token");
        assertThat(Errors.fields(refused(() -> PageTokens.decode("page_token", token("f", "7"), "f", PageKey.TEXT))))
                .containsExactly("page_token");
    }

    private static StatusRuntimeException refused(Runnable call) {
        StatusRuntimeException e = Errors.failure(call);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        return e;
    }

    private static String token(String filters, String keyJson) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(filters.getBytes(StandardCharsets.UTF_8));
            String json = "{\"f\":\"" + HexFormat.of().formatHex(d, 0, 12) + "\",\"k\":" + keyJson + "}";
            return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
