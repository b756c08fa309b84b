package io.sparkprop.driver.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkprop.driver.model.ModelStore;
import io.sparkprop.driver.model.SavedModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Saves a sparkprop stage in Spark ML's directory layout, so Pipeline and PipelineModel save and load
 * it like any built-in stage:
 * <pre>
 *   &lt;path&gt;/metadata/part-00000   one JSON line as Spark's DefaultParamsWriter writes it: class,
 *                                timestamp, sparkVersion, uid, paramMap (the explicitly set
 *                                parameters), defaultParamMap
 *   &lt;path&gt;/model/                models only: the sparkprop model format (ModelStore), which
 *                                {@code sparkprop predict} and {@code sparkprop export} read as is
 * </pre>
 */
final class StageWriter extends MLWriter {
    static final String METADATA = "metadata";
    static final String MODEL = "model";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Params stage;
    private final SavedModel model;

    /** @param model the stage's trained model, or null for an estimator */
    StageWriter(Params stage, SavedModel model) {
        this.stage = stage;
        this.model = model;
    }

    @Override
    public void saveImpl(String path) {
        Configuration conf = sparkSession().sparkContext().hadoopConfiguration();
        try {
            Path file = new Path(new Path(path, METADATA), "part-00000");
            try (FSDataOutputStream out = file.getFileSystem(conf).create(file, true)) {
                out.write(metadata().getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
            if (model != null) {
                new ModelStore(conf).write(model, new Path(path, MODEL).toString(), true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not save " + stage.uid() + " to " + path, e);
        }
    }

    @SuppressWarnings("unchecked")
    private String metadata() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("class", stage.getClass().getName());
        root.put("timestamp", System.currentTimeMillis());
        root.put("sparkVersion", sparkSession().version());
        root.put("uid", stage.uid());
        ObjectNode set = root.putObject("paramMap");
        ObjectNode defaults = root.putObject("defaultParamMap");
        for (Param<?> p : stage.params()) {
            Param<Object> param = (Param<Object>) p;
            if (stage.isSet(param)) {
                set.set(param.name(), JSON.readTree(param.jsonEncode(stage.getOrDefault(param))));
            }
            if (stage.hasDefault(param)) {
                defaults.set(param.name(), JSON.readTree(param.jsonEncode(stage.getDefault(param).get())));
            }
        }
        return JSON.writeValueAsString(root);
    }
}
