package io.sparkprop.driver.model;


import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.sparkprop.core.nn.Activation;
import io.sparkprop.core.nn.Identity;
import io.sparkprop.core.nn.LeakyRelu;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.nn.ParameterLayout;
import io.sparkprop.core.nn.Relu;
import io.sparkprop.core.nn.Sigmoid;
import io.sparkprop.core.nn.Softmax;
import io.sparkprop.core.nn.Tanh;
import io.sparkprop.driver.io.OutputSwap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a {@link SavedModel} as an ONNX model (IR version 8, default-domain opset 17), so it can be
 * served by ONNX Runtime or any other ONNX engine without Spark or sparkprop.
 * <pre>
 *   input  features     float [N, inputWidth]           (N: dynamic batch, "N")
 *   standardisation     Sub(mean), Div(std'), Mul(mask) std' = std with 0 replaced by 1,
 *                                                        mask = 0 where std = 0, else 1
 *                                                        (as Standardizer: a constant feature maps to 0)
 *   per layer l         Gemm(A, W_l, b_l, transB=1)     W_l [n_l x n_{l-1}] exactly as in params.bin
 *                       + Relu | Sigmoid | Tanh | LeakyRelu(alpha) | Softmax(axis=-1) | nothing (identity)
 *   target standardisation  regressors trained on standardised targets: Mul(target_std), Add(target_mean)
 *                       after the network, y = z * std + mean per output (as Standardizer.invert)
 *   outputs             classifiers: logits [N, K] (the last Gemm) and probability [N, K] (its softmax)
 *                       regressors:  prediction [N, outputs]
 * </pre>
 * The protobuf messages are encoded by hand with protobuf-java's {@link CodedOutputStream}, field
 * numbers as in ONNX's onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto); only the fields written here are named in {@link Message}'s callers.
 */
public final class OnnxExporter {
    /** ONNX IR version 8 (ONNX 1.10 - 1.12), which carries opsets up to 17. */
    public static final long IR_VERSION = 8;
    /** The default ("ai.onnx") operator set: Softmax has per-axis semantics from 13 on. */
    public static final long OPSET = 17;
    public static final String INPUT = "features";
    public static final String LOGITS = "logits";
    public static final String PROBABILITY = "probability";
    public static final String PREDICTION = "prediction";
    /** ModelProto.producer_name of every file written here. */
    private static final String PRODUCER = "sparkprop";
    /** What --overwrite may replace with an export: an ONNX file this exporter wrote. */
    public static final OutputSwap.Kind KIND = new OutputSwap.Kind("an ONNX file", false, OnnxExporter::producedHere);

    // TensorProto.DataType and AttributeProto.AttributeType values used below
    private static final int FLOAT = 1;
    private static final int ATTRIBUTE_FLOAT = 1;
    private static final int ATTRIBUTE_INT = 2;

    private OnnxExporter() {
    }

    /** The ONNX model's bytes. */
    public static byte[] toBytes(SavedModel model) {
        NetworkSpec spec = model.spec();
        boolean classifier = model.task() == SavedModel.Task.CLASSIFICATION;
        Graph graph = new Graph();
        String x = INPUT;
        if (model.standardized()) {
            x = standardisation(graph, x, model.featureMean(), model.featureStd());
        }
        ParameterLayout layout = spec.layout();
        float[] params = model.params();
        for (int l = 1; l <= spec.layers(); l++) {
            int in = layout.width(l - 1);
            int out = layout.width(l);
            String w = graph.initializer("W" + l, Arrays.copyOfRange(params, layout.weightOffset(l), layout.weightOffset(l) + out * in), out, in);
            String b = graph.initializer("b" + l, Arrays.copyOfRange(params, layout.biasOffset(l), layout.biasOffset(l) + out), out);
            boolean last = l == spec.layers();
            String z = last && classifier ? LOGITS : "Z" + l;
            graph.node("Gemm", "gemm" + l, List.of(x, w, b), z, new Message().int64Attribute("transB", 1));
            boolean graphOutput = last && !model.targetStandardized();
            String a = graphOutput ? (classifier ? PROBABILITY : PREDICTION) : "A" + l;
            x = activation(graph, Activation.of(spec.activation(l)), l, z, a, graphOutput);
        }
        if (model.targetStandardized()) {
            int k = spec.outputWidth();
            graph.node("Mul", "target_scale", List.of(x, graph.initializer("target_std", model.targetStd(), k)), "target_scaled", null);
            graph.node("Add", "target_shift", List.of("target_scaled", graph.initializer("target_mean", model.targetMean(), k)),
                    PREDICTION, null);
        }
        Message features = valueInfo(INPUT, spec.inputWidth());
        List<Message> outputs = classifier
                ? List.of(valueInfo(LOGITS, spec.outputWidth()), valueInfo(PROBABILITY, spec.outputWidth()))
                : List.of(valueInfo(PREDICTION, spec.outputWidth()));
        return model(graph, features, outputs, spec).toByteArray();
    }

    /** Writes the ONNX model to a file on any Hadoop file system (a local path, file://, hdfs://, s3a://...). */
    public static void write(SavedModel model, String file, boolean overwrite, Configuration hadoopConf) throws IOException {
        Path path = new Path(file);
        FileSystem fs = OutputSwap.fileSystem(path, hadoopConf);
        byte[] bytes = toBytes(model);
        // written beside the file and swapped in: a failed write leaves an older export as it was
        OutputSwap.replace(fs, path, overwrite, KIND, tmp -> {
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                out.write(bytes);
            }
        });
    }

    /**
     * Whether {@code existing} is a file written here: a ModelProto whose first fields are ir_version
     * (1) and producer_name (2) = sparkprop, in the order {@link #model} writes them.
     */
    private static boolean producedHere(FileSystem fs, FileStatus existing) throws IOException {
        byte[] head = new byte[64];
        int n;
        try (FSDataInputStream in = fs.open(existing.getPath())) {
            n = in.readNBytes(head, 0, head.length);
        }
        try {
            CodedInputStream proto = CodedInputStream.newInstance(head, 0, n);
            if (!isTag(proto.readTag(), 1, WireFormat.WIRETYPE_VARINT)) {
                return false;
            }
            proto.readInt64();
            return isTag(proto.readTag(), 2, WireFormat.WIRETYPE_LENGTH_DELIMITED) && PRODUCER.equals(proto.readString());
        } catch (InvalidProtocolBufferException e) {
            return false; // not a protobuf message, or another one
        }
    }

    private static boolean isTag(int tag, int field, int wireType) {
        return WireFormat.getTagFieldNumber(tag) == field && WireFormat.getTagWireType(tag) == wireType;
    }

    /**
     * x' = (x - mean) / std' * mask. Dividing (not multiplying by 1/std) keeps the result bit-equal
     * to {@link io.sparkprop.core.data.Standardizer}; the mask zeroes the constant features.
     */
    private static String standardisation(Graph graph, String x, float[] mean, float[] std) {
        int d = mean.length;
        float[] safeStd = new float[d];
        float[] mask = new float[d];
        for (int j = 0; j < d; j++) {
            safeStd[j] = std[j] == 0f ? 1f : std[j];
            mask[j] = std[j] == 0f ? 0f : 1f;
        }
        graph.node("Sub", "center", List.of(x, graph.initializer("mean", mean, d)), "centered", null);
        graph.node("Div", "scale", List.of("centered", graph.initializer("std", safeStd, d)), "scaled", null);
        graph.node("Mul", "drop_constant", List.of("scaled", graph.initializer("nonconstant", mask, d)), "standardized", null);
        return "standardized";
    }

    /**
     * Adds layer l's activation from {@code z} to the tensor named {@code a}; returns the name of the
     * layer's output (z itself for a hidden identity layer, which needs no node).
     */
    private static String activation(Graph graph, Activation f, int l, String z, String a, boolean graphOutput) {
        String name = "activation" + l;
        if (f instanceof Relu) {
            graph.node("Relu", name, List.of(z), a, null);
        } else if (f instanceof Sigmoid) {
            graph.node("Sigmoid", name, List.of(z), a, null);
        } else if (f instanceof Tanh) {
            graph.node("Tanh", name, List.of(z), a, null);
        } else if (f instanceof LeakyRelu) {
            graph.node("LeakyRelu", name, List.of(z), a, new Message().floatAttribute("alpha", ((LeakyRelu) f).slope()));
        } else if (f instanceof Softmax) {
            graph.node("Softmax", name, List.of(z), a, new Message().int64Attribute("axis", -1));
        } else if (f instanceof Identity) {
            if (!graphOutput) {
                return z;
            }
            graph.node("Identity", name, List.of(z), a, null); // names the graph output

        } else {
            throw new IllegalArgumentException("activation " + f.name() + " has no ONNX export");
        }
        return a;
    }

    /** ModelProto: 1 ir_version, 2 producer_name, 3 producer_version, 6 doc_string, 7 graph, 8 opset_import. */
    private static Message model(Graph graph, Message input, List<Message> outputs, NetworkSpec spec) {
        // GraphProto: 1 node, 2 name, 5 initializer, 11 input, 12 output
        Message g = new Message();
        graph.nodes.forEach(n -> g.message(1, n));
        g.string(2, "sparkprop");
        graph.initializers.forEach(t -> g.message(5, t));
        g.message(11, input);
        outputs.forEach(o -> g.message(12, o));
        Message opset = new Message().string(1, "").int64(2, OPSET); // OperatorSetIdProto: 1 domain, 2 version
        return new Message()
                .int64(1, IR_VERSION)
                .string(2, PRODUCER)
                .string(3, SavedModel.runningVersion())
                .string(6, "sparkprop network " + spec)
                .message(7, g)
                .message(8, opset);
    }

    /**
     * ValueInfoProto {1 name, 2 type: TypeProto {1 tensor_type: {1 elem_type, 2 shape: TensorShapeProto
     * {1 dim: Dimension {1 dim_value | 2 dim_param}}}}}: a float [N, width] tensor.
     */
    private static Message valueInfo(String name, int width) {
        Message shape = new Message()
                .message(1, new Message().string(2, "N"))
                .message(1, new Message().int64(1, width));
        Message tensorType = new Message().int64(1, FLOAT).message(2, shape);
        return new Message().string(1, name).message(2, new Message().message(1, tensorType));
    }

    /** The graph under construction: nodes in execution order and the constant tensors. */
    private static final class Graph {
        final List<Message> nodes = new ArrayList<>();
        final List<Message> initializers = new ArrayList<>();

        /** NodeProto: 1 input, 2 output, 3 name, 4 op_type, 5 attribute. */
        void node(String opType, String name, List<String> inputs, String output, Message attribute) {
            Message n = new Message();
            inputs.forEach(i -> n.string(1, i));
            n.string(2, output).string(3, name).string(4, opType);
            if (attribute != null) {
                n.message(5, attribute);
            }
            nodes.add(n);
        }

        /** TensorProto: 1 dims, 2 data_type, 8 name, 9 raw_data (little-endian float32). Returns the name. */
        String initializer(String name, float[] values, long... dims) {
            Message t = new Message();
            for (long d : dims) {
                t.int64(1, d);
            }
            t.int64(2, FLOAT).string(8, name).bytes(9, ModelStore.toLittleEndian(values));
            initializers.add(t);
            return name;
        }
    }

    /**
     * One protobuf message being encoded: fields are appended in call order (protobuf readers accept
     * any order), nested messages are encoded first and written length-delimited.
     */
    private static final class Message {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

        Message int64(int field, long value) {
            try {
                out.writeInt64(field, value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Message string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Message bytes(int field, byte[] value) {
            try {
                out.writeByteArray(field, value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Message message(int field, Message value) {
            return bytes(field, value.toByteArray());
        }

        /** AttributeProto: 1 name, 20 type (INT), 3 i. */
        Message int64Attribute(String name, long value) {
            return string(1, name).int64(20, ATTRIBUTE_INT).int64(3, value);
        }

        /** AttributeProto: 1 name, 20 type (FLOAT), 2 f. */
        Message floatAttribute(String name, float value) {
            string(1, name).int64(20, ATTRIBUTE_FLOAT);
            try {
                out.writeFloat(2, value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        byte[] toByteArray() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }
}
