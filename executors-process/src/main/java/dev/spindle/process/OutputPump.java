package dev.spindle.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads a worker's stdout or stderr pipe line by line and hands each line on. Lines longer than
 * {@value #MAX_LINE} characters are cut, so a task writing megabytes without a newline cannot exhaust the parent.
 */
final class OutputPump {

    static final int MAX_LINE = 8192;

    private OutputPump() {
    }

    static Thread start(String name, InputStream stream, Consumer<String> lines) {
        return Thread.ofPlatform().daemon().name(name).start(() -> pump(stream, lines));
    }

    private static void pump(InputStream stream, Consumer<String> lines) {
        try (Reader in = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            char[] buf = new char[4096];
            int n;
            while ((n = in.read(buf)) >= 0) {
                for (int i = 0; i < n; i++) {
                    char c = buf[i];
                    if (c == '\n') {
                        emit(line, lines);
                    } else if (c != '\r') {
                        line.append(c);
                        if (line.length() >= MAX_LINE) {
                            emit(line, lines);
                        }
                    }
                }
            }
            if (!line.isEmpty()) {
                emit(line, lines);
            }
        } catch (IOException e) {
            // the pipe closed with the process: nothing more to read
        }
    }

    private static void emit(StringBuilder line, Consumer<String> lines) {
        lines.accept(line.toString());
        line.setLength(0);
    }
}
