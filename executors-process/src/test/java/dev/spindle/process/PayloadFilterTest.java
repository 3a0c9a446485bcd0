package dev.spindle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InvalidClassException;
import java.io.Serializable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The receiving side accepts what the sender declared, java.base, and the 'allow' pattern; nothing else. */
class PayloadFilterTest {

    record Point(int x, int y) implements Serializable {
    }

    record Node(Node next) implements Serializable {
    }

    /** The same serialized bytes with the sender's list of classes replaced by {@code declared}. */
    private static byte[] redeclare(byte[] payload, List<String> declared) throws Exception {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            in.readUTF();
        }
        byte[] data = in.readAllBytes();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(declared.size());
        for (String c : declared) {
            out.writeUTF(c);
        }
        out.write(data);
        return bytes.toByteArray();
    }

    @Test
    void declaredClassesAndJavaBaseAreAccepted() throws Exception {
        Object value = List.of(new Point(1, 2), "text", 3L);
        assertEquals(value, Payload.decode(Payload.encode(value), null));
    }

    @Test
    void anUndeclaredClassIsRejectedWithItsName() throws Exception {
        byte[] tampered = redeclare(Payload.encode(new Point(1, 2)), List.of());
        InvalidClassException e = assertThrows(InvalidClassException.class, () -> Payload.decode(tampered, null));
        assertTrue(e.getMessage().contains(Point.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("'allow'"), e.getMessage());
    }

    @Test
    void theAllowPatternAdmitsMoreClasses() throws Exception {
        byte[] tampered = redeclare(Payload.encode(new Point(1, 2)), List.of());
        assertEquals(new Point(1, 2), Payload.decode(tampered, PayloadFilter.extra("dev.spindle.process.*")));
    }

    @Test
    void tooDeepAGraphIsRejected() throws Exception {
        Node n = null;
        for (int i = 0; i < Payload.MAX_DEPTH + 10; i++) {
            n = new Node(n);
        }
        byte[] deep = Payload.encode(n);
        InvalidClassException e = assertThrows(InvalidClassException.class, () -> Payload.decode(deep, null));
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }
}
