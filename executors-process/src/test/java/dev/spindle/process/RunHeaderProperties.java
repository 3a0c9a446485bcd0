package dev.spindle.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/**
 * A worker reads back the deadline, name and task the parent wrote in a TASK frame, whatever the name holds (any
 * character, NUL and lone surrogates included; names longer than 1,000 characters are cut), in the layout
 * {@code DataOutputStream} writes: the format the worker reads.
 */
class RunHeaderProperties {

    @Property(tries = 300)
    void aHeaderReadsBackAsWritten(@ForAll @StringLength(max = 1200) @CharRange(from = 0, to = 0xffff) String name,
            @ForAll long remainingNanos, @ForAll @Size(max = 300) byte[] payload) throws IOException {
        byte[] framed = RunHeader.prefix(payload, remainingNanos, name);

        String kept = name.length() > 1000 ? name.substring(0, 1000) : name;
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(expected)) {
            out.writeInt(RunHeader.MAGIC);
            out.writeLong(remainingNanos);
            out.writeUTF(kept);
            out.write(payload);
        }
        assertArrayEquals(expected.toByteArray(), framed);

        RunHeader.Parsed parsed = RunHeader.parse(framed);
        assertEquals(remainingNanos, parsed.remainingNanos());
        assertEquals(kept, parsed.name());
        assertArrayEquals(payload, Arrays.copyOfRange(framed, parsed.offset(), framed.length));
    }
}
