package org.taskscale.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Lets Spark's Kryo serializer carry Java records (the jobs' RDD elements and results: photos' patches, evaluation
 * items and outcomes...). Spark 3.5's Kryo 4 cannot build its field serializer for a record ("can't get field
 * offset on a record class"), and Kryo's own Java-serialisation fallback resolves classes with a loader that does
 * not see the application jar on executors. So every record is written with Java serialisation into a
 * length-prefixed block and read back resolving classes with the thread's context loader (Spark's executor sets
 * it to the one holding the application jar). Clusters run with
 * {@code spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator,org.taskscale.spark.RecordKryoRegistrator}
 * (deploy/submit and deploy/spark-defaults.conf.template set it).
 */
public final class RecordKryoRegistrator implements KryoRegistrator {
    /** The registrators a cluster should list, ND4J's first. */
    public static final String REGISTRATORS = "org.nd4j.kryo.Nd4jRegistrator," + RecordKryoRegistrator.class.getName();

    /**
     * Records that carry bulk data through Spark's storage and shuffles (prep's patches: 49 KB each, persisted, read
     * twice and shuffled) implement this to be written component by component with Kryo instead: through Java
     * serialisation a patch cost a sixth of prep's time. Their components must be Kryo-serialisable values
     * (numbers, strings, arrays, such records, lists of them); a list comes back as an unmodifiable list.
     */
    public interface Fields {}

    @Override
    public void registerClasses(Kryo kryo) {
        // the first default serializer whose type fits is taken: Fields before Record
        kryo.addDefaultSerializer(Fields.class, new FieldRecords());
        kryo.addDefaultSerializer(Record.class, new JavaRecords());
    }

    /** A {@link Fields} record as its components in order, each with its class (lists as size and elements). */
    static final class FieldRecords extends Serializer<Record> {
        private final java.util.Map<Class<?>, java.lang.reflect.RecordComponent[]> components =
                new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.Map<Class<?>, java.lang.reflect.Constructor<?>> constructors =
                new java.util.concurrent.ConcurrentHashMap<>();

        private java.lang.reflect.RecordComponent[] components(Class<?> type) {
            return components.computeIfAbsent(type, t -> {
                java.lang.reflect.RecordComponent[] rc = t.getRecordComponents();
                for (java.lang.reflect.RecordComponent c : rc) {
                    c.getAccessor().setAccessible(true);
                }
                return rc;
            });
        }

        @Override
        public void write(Kryo kryo, Output output, Record object) {
            for (java.lang.reflect.RecordComponent c : components(object.getClass())) {
                Object v;
                try {
                    v = c.getAccessor().invoke(object);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("Cannot read " + object.getClass().getName() + "." + c.getName(), e);
                }
                if (v instanceof java.util.List<?> list) {
                    output.writeInt(list.size() + 1, true);  // 0: null
                    for (Object o : list) {
                        kryo.writeClassAndObject(output, o);
                    }
                } else if (java.util.List.class.isAssignableFrom(c.getType())) {
                    output.writeInt(0, true);
                } else {
                    kryo.writeClassAndObject(output, v);
                }
            }
        }

        @Override
        public Record read(Kryo kryo, Input input, Class<Record> type) {
            java.lang.reflect.RecordComponent[] rc = components(type);
            Object[] args = new Object[rc.length];
            for (int i = 0; i < rc.length; i++) {
                if (java.util.List.class.isAssignableFrom(rc[i].getType())) {
                    int n = input.readInt(true) - 1;
                    if (n >= 0) {
                        java.util.List<Object> list = new java.util.ArrayList<>(n);
                        for (int k = 0; k < n; k++) {
                            list.add(kryo.readClassAndObject(input));
                        }
                        args[i] = java.util.Collections.unmodifiableList(list);
                    }
                } else {
                    args[i] = kryo.readClassAndObject(input);
                }
            }
            try {
                return (Record) constructors.computeIfAbsent(type, t -> {
                    Class<?>[] types = new Class<?>[rc.length];
                    for (int i = 0; i < rc.length; i++) {
                        types[i] = rc[i].getType();
                    }
                    try {
                        java.lang.reflect.Constructor<?> ctor = t.getDeclaredConstructor(types);
                        ctor.setAccessible(true);
                        return ctor;
                    } catch (NoSuchMethodException e) {
                        throw new IllegalStateException("The record " + t.getName() + " has no canonical constructor.", e);
                    }
                }).newInstance(args);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Cannot rebuild a " + type.getName() + ": " + e, e);
            }
        }
    }

    /** Java serialisation of one record, as {@code [length][bytes]}. */
    static final class JavaRecords extends Serializer<Object> {
        @Override
        public void write(Kryo kryo, Output output, Object object) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(object);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot serialise " + object.getClass().getName() + ".", e);
            }
            output.writeInt(bytes.size(), true);
            output.writeBytes(bytes.toByteArray());
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<Object> type) {
            byte[] bytes = input.readBytes(input.readInt(true));
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            ClassLoader loader = context != null ? context : kryo.getClassLoader();
            try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes), loader)) {
                return in.readObject();
            } catch (IOException | ClassNotFoundException e) {
                throw new IllegalStateException("Cannot read a " + type.getName() + " back: " + e, e);
            }
        }
    }

    /** Resolves classes with a given loader first. */
    static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}
