package dev.spindle.process;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How an object crosses between parent and worker: Java serialization, preceded by the names of the classes the
 * sender wrote, so that the receiver's {@link PayloadFilter} allows exactly those (plus {@code java.base}).
 *
 * <p>Layout: {@code int n}, {@code n} class names ({@code writeUTF}), then the serialized object to the end. A
 * {@code null}, {@link Integer}, {@link Long}, {@link Double}, {@link Boolean} or short {@link String} (the usual
 * results of small tasks) skips serialization: {@code n = -1}, a tag byte, and the value. A lambda that captures
 * nothing is serialized once per class and, on the receiving side, deserialized once per byte content (see
 * {@link #isStateless}). Thread-safe.
 */
final class Payload {

    /** The most bytes a serialized task, result or exception may take. */
    static final int MAX_BYTES = 64 * 1024 * 1024;
    /** The deepest nesting of objects accepted. */
    static final long MAX_DEPTH = 400; // deeper graphs can overflow a default thread stack before the filter sees them
    /** The most object references accepted in one payload. */
    static final long MAX_REFS = 5_000_000;
    /** The longest array accepted. */
    static final long MAX_ARRAY = 16 * 1024 * 1024;

    private Payload() {
    }

    /**
     * @param value what to send
     * @return the payload
     * @throws IOException if {@code value} (or something it references) is not serializable, or is too big
     */
    static byte[] encode(Object value) throws IOException {
        byte[] plain = encodePlain(value);
        if (plain != null) {
            return plain;
        }
        if (isStateless(value.getClass())) {
            AtomicReference<byte[]> known = STATELESS_ENCODED.get(value.getClass());
            byte[] bytes = known.get();
            if (bytes == null) {
                bytes = serialize(value);
                known.set(bytes);
            }
            return bytes;
        }
        return serialize(value);
    }

    private static byte[] serialize(Object value) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        Set<String> classes;
        try (RecordingOutputStream oos = new RecordingOutputStream(data)) {
            oos.writeObject(value);
            oos.flush();
            classes = oos.classes;
        }
        if (data.size() > MAX_BYTES) {
            throw new IOException("the serialized form takes " + data.size() + " bytes, more than the limit of "
                    + MAX_BYTES);
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream(data.size() + 64 * classes.size() + 4);
        try (DataOutputStream out = new DataOutputStream(all)) {
            out.writeInt(classes.size());
            for (String c : classes) {
                out.writeUTF(c);
            }
            data.writeTo(out);
        }
        return all.toByteArray();
    }

    /**
     * @param payload what {@link #encode} made
     * @param extraAllowed more classes to allow, or {@code null}
     * @return the object
     * @throws IOException if the payload is malformed or the filter rejected a class or a limit
     * @throws ClassNotFoundException if a class is missing here
     */
    static Object decode(byte[] payload, ObjectInputFilter extraAllowed) throws IOException, ClassNotFoundException {
        return decode(payload, 0, extraAllowed);
    }

    /**
     * @param payload bytes holding what {@link #encode} made, from {@code offset} to the end
     * @param offset where it starts
     * @param extraAllowed more classes to allow, or {@code null}
     * @return the object
     * @throws IOException if the payload is malformed or the filter rejected a class or a limit
     * @throws ClassNotFoundException if a class is missing here
     */
    static Object decode(byte[] payload, int offset, ObjectInputFilter extraAllowed)
            throws IOException, ClassNotFoundException {
        ByteArrayInputStream bytes = new ByteArrayInputStream(payload, offset, payload.length - offset);
        DataInputStream in = new DataInputStream(bytes);
        int n = in.readInt();
        if (n == PLAIN) {
            return decodePlain(in);
        }
        int length = payload.length - offset;
        boolean cacheable = length <= STATELESS_MAX_BYTES;
        StatelessKey key = cacheable ? new StatelessKey(payload, offset, length) : null;
        if (cacheable) {
            Decoded known = STATELESS_DECODED.get(key);
            if (known != null && known.filter == extraAllowed) {
                return known.value;
            }
        }
        Object value = deserialize(in, bytes, n, extraAllowed);
        if (cacheable && value != null && isStateless(value.getClass())
                && STATELESS_DECODED.size() < STATELESS_MAX_ENTRIES) {
            STATELESS_DECODED.put(key.copy(), new Decoded(value, extraAllowed));
        }
        return value;
    }

    private static Object deserialize(DataInputStream in, ByteArrayInputStream bytes, int n,
            ObjectInputFilter extraAllowed) throws IOException, ClassNotFoundException {
        if (n < 0 || n > 100_000) {
            throw new IOException("malformed payload: " + n + " class names");
        }
        Set<String> declared = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            declared.add(in.readUTF());
        }
        PayloadFilter filter = new PayloadFilter(declared, extraAllowed);
        try (ObjectInputStream ois = new ContextObjectInputStream(bytes)) {
            ois.setObjectInputFilter(filter);
            return ois.readObject();
        } catch (InvalidClassException e) {
            if (filter.rejected() == null) {
                throw e;
            }
            InvalidClassException x = new InvalidClassException("the serialization filter rejected "
                    + filter.rejected());
            x.initCause(e);
            throw x;
        }
    }

    private static final int PLAIN = -1;

    /*
     * Stateless lambdas: a serializable lambda that captures nothing (`SerializableTask<Integer> t = () -> 1`) is an
     * instance of a hidden class without instance fields, so its serialized form depends on its class alone and
     * what deserialization yields is interchangeable with any other instance of it (the JDK even hands back one
     * shared instance for it). The sender serializes such a class once; the receiver deserializes a given byte
     * content once, having checked it through the filter, and answers the same bytes with the same instance after
     * that, as long as the allow-list is the same. Anything that captures a value, or is not a lambda, is serialized
     * and filtered every time.
     */
    private static final ClassValue<Boolean> STATELESS = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            if (!type.isHidden() || !type.getName().contains("$$Lambda") || !Serializable.class.isAssignableFrom(type)) {
                return false;
            }
            for (Field f : type.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    return false;
                }
            }
            return true;
        }
    };
    private static final ClassValue<AtomicReference<byte[]>> STATELESS_ENCODED = new ClassValue<>() {
        @Override
        protected AtomicReference<byte[]> computeValue(Class<?> type) {
            return new AtomicReference<>();
        }
    };
    /** The most distinct stateless payloads a receiver remembers; past it, further ones are decoded every time. */
    private static final int STATELESS_MAX_ENTRIES = 1024;
    /** The longest payload considered for the receiver's memory (a stateless lambda's takes a few hundred bytes). */
    private static final int STATELESS_MAX_BYTES = 4096;
    private static final ConcurrentHashMap<StatelessKey, Decoded> STATELESS_DECODED = new ConcurrentHashMap<>();

    /** @return whether instances of {@code type} are capture-free serializable lambdas */
    static boolean isStateless(Class<?> type) {
        return STATELESS.get(type);
    }

    private record Decoded(Object value, ObjectInputFilter filter) {
    }

    /** A range of bytes compared by content. */
    private static final class StatelessKey {
        private final byte[] bytes;
        private final int offset;
        private final int length;
        private final int hash;

        StatelessKey(byte[] bytes, int offset, int length) {
            this.bytes = bytes;
            this.offset = offset;
            this.length = length;
            int h = 1;
            for (int i = offset, end = offset + length; i < end; i++) {
                h = 31 * h + bytes[i];
            }
            this.hash = h;
        }

        private StatelessKey(byte[] bytes, int hash) {
            this.bytes = bytes;
            this.offset = 0;
            this.length = bytes.length;
            this.hash = hash;
        }

        /** @return a key holding its own copy of the bytes, safe to keep */
        StatelessKey copy() {
            return new StatelessKey(Arrays.copyOfRange(bytes, offset, offset + length), hash);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof StatelessKey k && k.hash == hash && k.length == length
                    && Arrays.equals(bytes, offset, offset + length, k.bytes, k.offset, k.offset + k.length);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private static byte[] encodePlain(Object value) throws IOException {
        byte tag;
        if (value == null) {
            tag = 0;
        } else if (value instanceof Integer) {
            tag = 1;
        } else if (value instanceof Long) {
            tag = 2;
        } else if (value instanceof Double) {
            tag = 3;
        } else if (value instanceof Boolean) {
            tag = 4;
        } else if (value instanceof String str && str.length() <= 8192) {
            tag = 5;
        } else {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(PLAIN);
            out.writeByte(tag);
            switch (tag) {
                case 1 -> out.writeInt((Integer) value);
                case 2 -> out.writeLong((Long) value);
                case 3 -> out.writeDouble((Double) value);
                case 4 -> out.writeBoolean((Boolean) value);
                case 5 -> out.writeUTF((String) value);
                default -> { }
            }
        }
        return bytes.toByteArray();
    }

    private static Object decodePlain(DataInputStream in) throws IOException {
        byte tag = in.readByte();
        return switch (tag) {
            case 0 -> null;
            case 1 -> in.readInt();
            case 2 -> in.readLong();
            case 3 -> in.readDouble();
            case 4 -> in.readBoolean();
            case 5 -> in.readUTF();
            default -> throw new IOException("malformed payload: plain value tag " + tag);
        };
    }

    /** Records the name of every class whose descriptor it writes: the receiver allows exactly those. */
    private static final class RecordingOutputStream extends ObjectOutputStream {
        final Set<String> classes = new LinkedHashSet<>();

        RecordingOutputStream(OutputStream out) throws IOException {
            super(out);
        }

        @Override
        protected void annotateClass(Class<?> cl) {
            classes.add(cl.getName());
            Class<?> c = cl;
            while (c.isArray()) {
                c = c.getComponentType(); // an empty Foo[] writes no descriptor for Foo, but the filter asks about it
            }
            classes.add(c.getName());
        }

        @Override
        protected void annotateProxyClass(Class<?> cl) {
            for (Class<?> i : cl.getInterfaces()) {
                classes.add(i.getName());
            }
        }
    }

    /**
     * Remembers the classes it resolved from the application, platform and bootstrap loaders (one class per name
     * there), since the default resolution walks the stack each time; falls back to the thread's context class
     * loader for classes the default resolution cannot see.
     */
    private static final class ContextObjectInputStream extends ObjectInputStream {
        private static final ConcurrentHashMap<String, Class<?>> RESOLVED = new ConcurrentHashMap<>();

        ContextObjectInputStream(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            Class<?> known = RESOLVED.get(desc.getName());
            if (known != null) {
                return known;
            }
            try {
                Class<?> c = super.resolveClass(desc);
                ClassLoader l = c.getClassLoader();
                if ((l == null || l == ClassLoader.getSystemClassLoader() || l == ClassLoader.getPlatformClassLoader())
                        && RESOLVED.size() < 10_000) {
                    RESOLVED.put(desc.getName(), c);
                }
                return c;
            } catch (ClassNotFoundException e) {
                ClassLoader context = Thread.currentThread().getContextClassLoader();
                if (context == null) {
                    throw e;
                }
                return Class.forName(desc.getName(), false, context);
            }
        }
    }
}
