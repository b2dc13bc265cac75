package org.taskscale.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Lets Spark's Kryo serializer carry Java records (the jobs' RDD elements and results: photos' patches, evaluation
 * items and outcomes...). Spark 3.5's Kryo 4 cannot build its field serializer for a record ("can't get field
 * offset on a record class"), so every record goes through Java serialization instead. Clusters run with
 * {@code spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator,org.taskscale.spark.RecordKryoRegistrator}
 * (deploy/submit and deploy/spark-defaults.conf.template set it).
 */
public final class RecordKryoRegistrator implements KryoRegistrator {
    /** The registrators a cluster should list, ND4J's first. */
    public static final String REGISTRATORS = "org.nd4j.kryo.Nd4jRegistrator," + RecordKryoRegistrator.class.getName();

    @Override
    public void registerClasses(Kryo kryo) {
        kryo.addDefaultSerializer(Record.class, JavaSerializer.class);
    }
}
