package org.taskscale.spark;

import com.typesafe.config.Config;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.taskscale.config.ConfigException;

/**
 * The one place a job makes its Spark context: the app name and log level from the configuration, the
 * master from spark-submit or the launcher (-Dspark.master, default local[*]), or a --master flag; never
 * hard-coded.
 */
public final class SparkContexts {
    private SparkContexts() {}

    public static JavaSparkContext create(Config config, String masterFlag) {
        SparkConf conf = new SparkConf().setAppName(config.getString("taskscale.spark.app-name"));
        if (masterFlag != null && !masterFlag.isBlank()) {
            conf.setMaster(masterFlag);
        }
        if (!conf.contains("spark.master")) {
            throw new ConfigException("No Spark master: run through bin/taskscale (local[*] by default), spark-submit,"
                    + " or pass --master.");
        }
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        // Kryo with our registrators, as deploy/submit configures clusters: local runs then serialise as clusters
        // do, and prep's patches go through Kryo's byte copies instead of Java serialisation
        conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.setIfMissing("spark.kryo.registrator", RecordKryoRegistrator.REGISTRATORS);
        JavaSparkContext jsc = new JavaSparkContext(conf);
        jsc.setLogLevel(config.getString("taskscale.spark.log-level"));
        jsc.sc().addSparkListener(new ExecutorReporter(new java.io.PrintWriter(System.out, true)));
        return jsc;
    }
}
