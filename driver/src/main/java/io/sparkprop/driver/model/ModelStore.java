package io.sparkprop.driver.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.io.OutputSwap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the model format on any Hadoop FileSystem URI (file://, hdfs://, s3a://):
 * <pre>
 *   &lt;dir&gt;/model.json   format name and version, network, features (names, standardisation), labels
 *                      (task, classes; a regressor's output names and target standardisation, each absent
 *                      when unknown or the identity),
 *                      training metadata, and the parameter count and SHA-256 of params.bin
 *   &lt;dir&gt;/params.bin   P little-endian float32 values in the flat layout of ParameterLayout
 * </pre>
 * Writing goes to a hidden temporary directory beside the target and is renamed into place, so a
 * reader never sees half a model. Reading checks the format version, the length and the checksum.
 */
public final class ModelStore {
    public static final String FORMAT = "sparkprop-model";
    public static final int FORMAT_VERSION = 1;
    public static final String MODEL_JSON = "model.json";
    public static final String PARAMS_BIN = "params.bin";

    /** What --overwrite may replace with a model: a folder sparkprop wrote a model to. */
    public static final OutputSwap.Kind KIND = OutputSwap.Kind.folderWith("a model folder", MODEL_JSON);

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Configuration hadoopConf;

    public ModelStore(Configuration hadoopConf) {
        this.hadoopConf = hadoopConf;
    }

    /** True when {@code dir} holds a model (its model.json exists). */
    public boolean exists(String dir) throws IOException {
        Path path = path(dir);
        return fileSystem(path).exists(new Path(path, MODEL_JSON));
    }

    /**
     * The file system for a path. For the local file system this is the raw one: Hadoop's checksum
     * layer would add hidden .crc files and reject a hand-edited model.json; our SHA-256 in
     * model.json already guards params.bin.
     */
    private FileSystem fileSystem(Path path) throws IOException {
        return OutputSwap.fileSystem(path, hadoopConf);
    }

    /**
     * Fails now, naming {@code dir}, when a model could not be written there later: it exists and
     * {@code overwrite} is false, something that is not a model is there, or its folder is not writable.
     */
    public void checkWritable(String dir, boolean overwrite) throws IOException {
        OutputSwap.check(fileSystem(path(dir)), path(dir), overwrite, KIND);
    }

    /** {@code dir} as a Hadoop path; an empty one is refused in words (Hadoop's own message names no argument). */
    private static Path path(String dir) {
        if (dir == null || dir.isBlank()) {
            throw new IllegalArgumentException("the model path is empty: give the folder of a saved model (a path or URI)");
        }
        return new Path(dir);
    }

    /**
     * Writes {@code model} to {@code dir}. Refuses an existing model unless {@code overwrite}; with
     * it, the old model is replaced only once the new one is complete.
     */
    public void write(SavedModel model, String dir, boolean overwrite) throws IOException {
        write(model, dir, overwrite, Map.of());
    }

    /**
     * As {@link #write(SavedModel, String, boolean)}, with further files (e.g. the training report)
     * written into the model directory inside the same atomic step.
     */
    public void write(SavedModel model, String dir, boolean overwrite, Map<String, byte[]> extraFiles) throws IOException {
        for (String name : extraFiles.keySet()) {
            if (name.equals(MODEL_JSON) || name.equals(PARAMS_BIN) || name.contains("/")) {
                throw new IllegalArgumentException("extra model file name '" + name + "' is reserved or not a plain name");
            }
        }
        FileSystem fs = fileSystem(path(dir));
        OutputSwap.replace(fs, path(dir), overwrite, KIND, tmp -> {
            fs.mkdirs(tmp);
            byte[] paramBytes = toLittleEndian(model.params());
            try (FSDataOutputStream out = fs.create(new Path(tmp, PARAMS_BIN), false)) {
                out.write(paramBytes);
            }
            for (Map.Entry<String, byte[]> file : extraFiles.entrySet()) {
                try (FSDataOutputStream out = fs.create(new Path(tmp, file.getKey()), false)) {
                    out.write(file.getValue());
                }
            }
            // model.json last: a directory without it is not a model
            try (FSDataOutputStream out = fs.create(new Path(tmp, MODEL_JSON), false)) {
                out.write(JSON.writeValueAsBytes(toJson(model, sha256(paramBytes))));
            }
        });
    }

    /**
     * Reads a model, checking its format version, parameter count and checksum. model.json is read
     * again after params.bin; if a concurrent overwrite swapped the directory in between, the read
     * starts over, so the two files always belong to the same model.
     */
    public SavedModel read(String dir) throws IOException {
        Path path = path(dir);
        FileSystem fs = fileSystem(path);
        Path jsonPath = new Path(path, MODEL_JSON);
        Path binPath = new Path(path, PARAMS_BIN);
        for (int attempt = 1; ; attempt++) {
            boolean last = attempt == 5;
            byte[] json = readAll(fs, jsonPath);
            byte[] bytes = json == null ? null : readAll(fs, binPath);
            byte[] jsonAgain = bytes == null ? null : readAll(fs, jsonPath);
            if (!last && (jsonAgain == null || !java.util.Arrays.equals(json, jsonAgain))) {
                // absent, or replaced while we read it: a concurrent overwrite swaps the directory
                pause();
                continue;
            }
            if (json == null) {
                throw new IllegalArgumentException("no model at " + path + ": " + MODEL_JSON + " is missing");
            }
            JsonNode root = parse(json, jsonPath);
            NetworkSpec spec = checkHeader(root, jsonPath);
            if (bytes == null) {
                throw new IllegalArgumentException("model at " + path + " has no " + PARAMS_BIN);
            }
            int count = root.path("params").path("count").asInt(-1);
            if (bytes.length != 4L * count) {
                throw new IllegalArgumentException(binPath + " has " + bytes.length + " bytes, expected " + (4L * count)
                        + " (" + count + " float32 parameters): the file is truncated or not this model's");
            }
            String expected = root.path("params").path("sha256").asText();
            String actual = sha256(bytes);
            if (!actual.equals(expected)) {
                throw new IllegalArgumentException(binPath + " fails its checksum (SHA-256 " + actual + ", model.json expects "
                        + expected + "): the file is corrupt or was altered");
            }
            return fromJson(root, spec, fromLittleEndian(bytes));
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The file's bytes, or null when it does not exist. */
    private static byte[] readAll(FileSystem fs, Path file) throws IOException {
        try (FSDataInputStream in = fs.open(file)) {
            return in.readAllBytes();
        } catch (java.io.FileNotFoundException e) {
            return null;
        }
    }

    private static JsonNode parse(byte[] json, Path jsonPath) throws IOException {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(jsonPath + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static NetworkSpec checkHeader(JsonNode root, Path jsonPath) {
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new IllegalArgumentException(jsonPath + " is not a sparkprop model (format is '" + root.path("format").asText() + "')");
        }
        int version = root.path("formatVersion").asInt(-1);
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException(jsonPath + " has model format version " + version
                    + "; this sparkprop reads version " + FORMAT_VERSION);
        }
        NetworkSpec spec = specFromJson(root.path("network"), jsonPath);
        int count = root.path("params").path("count").asInt(-1);
        if (count != spec.layout().size()) {
            throw new IllegalArgumentException(jsonPath + " declares " + count + " parameters, the network needs " + spec.layout().size());
        }
        return spec;
    }

    private static SavedModel fromJson(JsonNode root, NetworkSpec spec, float[] params) {
        JsonNode features = root.path("features");
        JsonNode labels = root.path("labels");
        JsonNode std = features.path("standardization");
        float[] mean = std.isObject() ? floats(std.path("mean")) : null;
        float[] sd = std.isObject() ? floats(std.path("std")) : null;
        // labels.standardization is absent from models written before target standardisation: the identity
        JsonNode targets = labels.path("standardization");
        float[] targetMean = targets.isObject() ? floats(targets.path("mean")) : null;
        float[] targetStd = targets.isObject() ? floats(targets.path("std")) : null;
        @SuppressWarnings("unchecked")
        Map<String, Object> training = JSON.convertValue(root.path("training"), Map.class);
        // labels.names is absent from models written before multi-output regression: names unknown
        return new SavedModel(spec, params, SavedModel.Task.valueOf(labels.path("task").asText("CLASSIFICATION")),
                strings(features.path("names")), strings(labels.path("classes")), strings(labels.path("names")),
                mean, sd, targetMean, targetStd,
                training == null ? Map.of() : training, root.path("createdAt").asText(), root.path("sparkpropVersion").asText());
    }

    private static ObjectNode toJson(SavedModel model, String sha256) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("formatVersion", FORMAT_VERSION);
        root.put("sparkpropVersion", model.sparkpropVersion());
        root.put("createdAt", model.createdAt());
        NetworkSpec spec = model.spec();
        ObjectNode network = root.putObject("network");
        network.put("inputWidth", spec.inputWidth());
        ArrayNode layers = network.putArray("layers");
        for (int l = 1; l <= spec.layers(); l++) {
            layers.addObject().put("units", spec.width(l)).put("activation", spec.activation(l));
        }
        network.put("loss", spec.loss());
        ObjectNode features = root.putObject("features");
        ArrayNode names = features.putArray("names");
        model.featureNames().forEach(names::add);
        if (model.standardized()) {
            ObjectNode std = features.putObject("standardization");
            ArrayNode mean = std.putArray("mean");
            ArrayNode sd = std.putArray("std");
            for (int i = 0; i < model.featureMean().length; i++) {
                mean.add(model.featureMean()[i]);
                sd.add(model.featureStd()[i]);
            }
        }
        ObjectNode labels = root.putObject("labels");
        labels.put("task", model.task().name());
        ArrayNode classes = labels.putArray("classes");
        model.classLabels().forEach(classes::add);
        if (!model.targetNames().isEmpty()) {
            ArrayNode targetNames = labels.putArray("names");
            model.targetNames().forEach(targetNames::add);
        }
        if (model.targetStandardized()) {
            ObjectNode std = labels.putObject("standardization");
            ArrayNode mean = std.putArray("mean");
            ArrayNode sd = std.putArray("std");
            for (int j = 0; j < model.targetMean().length; j++) {
                mean.add(model.targetMean()[j]);
                sd.add(model.targetStd()[j]);
            }
        }
        root.set("training", JSON.valueToTree(model.training()));
        ObjectNode params = root.putObject("params");
        params.put("file", PARAMS_BIN);
        params.put("encoding", "float32-le");
        params.put("count", model.params().length);
        params.put("sha256", sha256);
        return root;
    }

    private static NetworkSpec specFromJson(JsonNode network, Path where) {
        JsonNode layers = network.path("layers");
        if (!layers.isArray() || layers.size() == 0) {
            throw new IllegalArgumentException(where + ": network.layers is missing or empty");
        }
        int[] widths = new int[layers.size()];
        String[] activations = new String[layers.size()];
        for (int i = 0; i < layers.size(); i++) {
            widths[i] = layers.get(i).path("units").asInt(-1);
            activations[i] = layers.get(i).path("activation").asText();
        }
        try {
            return new NetworkSpec(network.path("inputWidth").asInt(-1), widths, activations, network.path("loss").asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": invalid network: " + e.getMessage(), e);
        }
    }

    static byte[] toLittleEndian(float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return buf.array();
    }

    static float[] fromLittleEndian(byte[] bytes) {
        float[] values = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
