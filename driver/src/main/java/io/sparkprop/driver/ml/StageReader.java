package io.sparkprop.driver.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkprop.driver.model.ModelStore;
import io.sparkprop.driver.model.SavedModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLReader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * Loads a stage saved by {@link StageWriter}: checks the class, rebuilds the stage with its uid (and
 * its model), then sets the saved parameters, which validates them again.
 */
final class StageReader<T extends Params> extends MLReader<T> {
    /** Builds the stage from its uid and its model (null for estimators). */
    interface Factory<T> {
        T create(String uid, SavedModel model);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Class<T> type;
    private final Factory<T> factory;

    StageReader(Class<T> type, Factory<T> factory) {
        this.type = type;
        this.factory = factory;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T load(String path) {
        Configuration conf = sparkSession().sparkContext().hadoopConfiguration();
        try {
            JsonNode metadata = JSON.readTree(metadataLine(new Path(path, StageWriter.METADATA), conf));
            String saved = metadata.path("class").asText();
            if (!saved.equals(type.getName())) {
                throw new IllegalArgumentException(path + " holds a " + saved + ", not a " + type.getName());
            }
            ModelStore store = new ModelStore(conf);
            String modelDir = new Path(path, StageWriter.MODEL).toString();
            SavedModel model = store.exists(modelDir) ? store.read(modelDir) : null;
            T stage = factory.create(metadata.path("uid").asText(), model);
            Iterator<Map.Entry<String, JsonNode>> params = metadata.path("paramMap").fields();
            while (params.hasNext()) {
                Map.Entry<String, JsonNode> e = params.next();
                if (!stage.hasParam(e.getKey())) {
                    throw new IllegalArgumentException(path + ": " + type.getSimpleName() + " has no parameter '" + e.getKey() + "'");
                }
                Param<Object> param = (Param<Object>) stage.getParam(e.getKey());
                stage.set(param, param.jsonDecode(JSON.writeValueAsString(e.getValue())));
            }
            return stage;
        } catch (IOException e) {
            throw new UncheckedIOException("could not load a " + type.getSimpleName() + " from " + path, e);
        }
    }

    /** The first line of the first part file, as Spark's DefaultParamsReader reads it. */
    private static String metadataLine(Path dir, Configuration conf) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        if (!fs.exists(dir)) {
            throw new IllegalArgumentException("no Spark ML stage at " + dir.getParent() + ": " + StageWriter.METADATA + "/ is missing");
        }
        FileStatus[] parts = fs.listStatus(dir, p -> p.getName().startsWith("part-"));
        Arrays.sort(parts);
        if (parts.length == 0) {
            throw new IllegalArgumentException(dir + " holds no part file");
        }
        try (FSDataInputStream in = fs.open(parts[0].getPath());
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.readLine();
        }
    }
}
