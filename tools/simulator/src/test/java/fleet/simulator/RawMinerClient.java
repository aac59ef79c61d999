package fleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A deliberately plain cgminer-API client on java.net.Socket (not the project's driver): one request
 * per connection, read until NUL or EOF, report exactly what came back.
 */
final class RawMinerClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TIMEOUT_MILLIS = 3000;

    private RawMinerClient() {
    }

    /**
     * What one exchange produced.
     *
     * @param body         the bytes before the NUL (or all bytes if none came)
     * @param nulTerminated whether a NUL byte ended the reply
     * @param timedOut     whether the read timed out before NUL or EOF
     */
    record Exchange(byte[] body, boolean nulTerminated, boolean timedOut) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("reply is not JSON: " + text(), e);
            }
        }

        boolean isEmpty() {
            return body.length == 0 && !nulTerminated;
        }
    }

    static Exchange exchange(String host, int port, String request) {
        return exchange(host, port, request.getBytes(StandardCharsets.UTF_8), TIMEOUT_MILLIS, false);
    }

    /** Sends {@code request} in one write (optionally half-closing) and reads until NUL, EOF or timeout. */
    static Exchange exchange(String host, int port, byte[] request, int readTimeoutMillis, boolean halfClose) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            socket.setSoTimeout(readTimeoutMillis);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            if (halfClose) {
                socket.shutdownOutput();
            }
            return readReply(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends the request in several writes with flushes in between (a client that streams its JSON). */
    static Exchange exchangeInPieces(String host, int port, String... pieces) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            for (String piece : pieces) {
                socket.getOutputStream().write(piece.getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
            }
            return readReply(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code {"command":command,"parameter":parameter}} as JSON; the reply must be NUL-terminated JSON. */
    static JsonNode command(String host, int port, String command, String parameter) {
        String request = parameter == null
                ? "{\"command\":\"" + command + "\"}"
                : "{\"command\":\"" + command + "\",\"parameter\":\"" + parameter + "\"}";
        Exchange exchange = exchange(host, port, request);
        if (!exchange.nulTerminated()) {
            throw new AssertionError("reply to " + request + " not NUL-terminated: " + exchange.text());
        }
        return exchange.json();
    }

    static JsonNode command(String host, int port, String command) {
        return command(host, port, command, null);
    }

    /** Whether a TCP connection to {@code host:port} is refused right now. */
    static boolean refused(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Exchange readReply(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (true) {
            int read;
            try {
                read = in.read(buffer);
            } catch (SocketTimeoutException e) {
                return new Exchange(body.toByteArray(), false, true);
            } catch (IOException reset) {
                return new Exchange(body.toByteArray(), false, false);
            }
            if (read < 0) {
                return new Exchange(body.toByteArray(), false, false);
            }
            for (int i = 0; i < read; i++) {
                if (buffer[i] == 0) {
                    body.write(buffer, 0, i);
                    return new Exchange(body.toByteArray(), true, false);
                }
            }
            body.write(buffer, 0, read);
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
