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

    @Override
    public void registerClasses(Kryo kryo) {
        kryo.addDefaultSerializer(Record.class, new JavaRecords());
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
