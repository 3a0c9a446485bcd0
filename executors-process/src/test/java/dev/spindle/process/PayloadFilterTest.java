package dev.spindle.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InvalidClassException;
import java.io.Serializable;
import java.util.List;
import dev.spindle.SerializableTask;
import dev.spindle.Task;
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

    private static SerializableTask<Integer> capturing(int value) {
        return () -> value;
    }

    @Test
    void onlyLambdasThatCaptureNothingAreStateless() {
        SerializableTask<Integer> none = () -> 7;
        assertTrue(Payload.isStateless(none.getClass()));
        assertFalse(Payload.isStateless(capturing(1).getClass()), "a lambda with a captured value");
        assertFalse(Payload.isStateless(Point.class), "a record");
        Task<Integer> plain = () -> 7;
        assertFalse(Payload.isStateless(plain.getClass()), "a lambda that is not Serializable");
    }

    @Test
    void aStatelessLambdaRoundTripsTheSameEveryTime() throws Exception {
        SerializableTask<Integer> none = () -> 7;
        byte[] first = Payload.encode(none);
        assertArrayEquals(first, Payload.encode(none));
        for (int i = 0; i < 3; i++) {
            Task<?> back = (Task<?>) Payload.decode(first, null);
            assertEquals(7, back.call());
        }
    }

    @Test
    void capturedValuesAreNeverTakenFromAnEarlierPayload() throws Exception {
        for (int i = 0; i < 50; i++) {
            Task<?> back = (Task<?>) Payload.decode(Payload.encode(capturing(i)), null);
            assertEquals(i, back.call());
        }
    }

    @Test
    void statelessBytesAdmittedByOneAllowListAreCheckedAgainUnderAnother() throws Exception {
        SerializableTask<Integer> none = () -> 8;
        byte[] tampered = redeclare(Payload.encode(none), List.of());
        Task<?> admitted = (Task<?>) Payload.decode(tampered, PayloadFilter.extra("dev.spindle.process.*"));
        assertEquals(8, admitted.call());
        InvalidClassException e = assertThrows(InvalidClassException.class, () -> Payload.decode(tampered, null));
        assertTrue(e.getMessage().contains(PayloadFilterTest.class.getName()), e.getMessage());
    }
}
