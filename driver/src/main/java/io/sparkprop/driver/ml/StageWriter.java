package io.sparkprop.driver.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import io.sparkprop.driver.io.OutputSwap;
import io.sparkprop.driver.io.RunLock;
import io.sparkprop.driver.model.ModelStore;
import io.sparkprop.driver.model.SavedModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLWriter;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
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
 * {@link #save} takes the output's lock ({@link RunLock}, as the command line does: a second writer
 * is refused, naming it) and writes beside the path, swapping the stage in once complete
 * ({@link OutputSwap}); with {@code overwrite()} it replaces only a stage or model folder that sparkprop
 * wrote (or an empty folder), never what else is there, unlike Spark's own writers, which delete the path first.
 */
final class StageWriter extends MLWriter {
    static final String METADATA = "metadata";
    static final String MODEL = "model";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STAGE_PACKAGE = StageWriter.class.getPackageName() + ".";
    /** What save replaces: a stage this writer saved, or a sparkprop model folder. */
    static final OutputSwap.Kind KIND = new OutputSwap.Kind("a Spark ML stage or model folder (with metadata/ naming a sparkprop"
            + " stage, or model.json)", true, StageWriter::wrote);

    private final Params stage;
    private final SavedModel model;

    /** @param model the stage's trained model, or null for an estimator */
    StageWriter(Params stage, SavedModel model) {
        this.stage = stage;
        this.model = model;
    }

    @Override
    public void save(String path) throws IOException {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("the save path is empty: give a folder (a path or URI)");
        }
        FileSystem fs = OutputSwap.fileSystem(new Path(path), hadoopConf());
        Path target = fs.makeQualified(new Path(path));
        if (!shouldOverwrite() && fs.exists(target)) {
            throw new IOException("Path " + path + " already exists. To overwrite it, use write().overwrite().save(path)");
        }
        try (RunLock lock = RunLock.acquireOutput(fs, target, "save-" + stage.uid(), RunLock.DEFAULT_HEARTBEAT_SECONDS,
                RunLock.DEFAULT_STALE_SECONDS, new PrintWriter(Writer.nullWriter()))) {
            OutputSwap.replace(fs, target, shouldOverwrite(), KIND, tmp -> saveImpl(tmp.toString()));
        }
    }

    @Override
    public void saveImpl(String path) {
        Configuration conf = hadoopConf();
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

    private Configuration hadoopConf() {
        return sparkSession().sparkContext().hadoopConfiguration();
    }

    /** Whether {@code existing} is a folder sparkprop wrote: a stage's metadata naming a class of ours, or a model. */
    private static boolean wrote(FileSystem fs, FileStatus existing) throws IOException {
        if (fs.exists(new Path(existing.getPath(), ModelStore.MODEL_JSON))) {
            return true;
        }
        try (FSDataInputStream in = fs.open(new Path(new Path(existing.getPath(), METADATA), "part-00000"))) {
            JsonNode metadata = JSON.readTree(in);
            return metadata != null && metadata.path("class").asText().startsWith(STAGE_PACKAGE);
        } catch (IOException e) {
            return false; // no metadata, or not JSON: not ours
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
