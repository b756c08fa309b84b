package io.sparkprop.jobs.config;

import io.sparkprop.driver.config.Setting;
import io.sparkprop.driver.config.TrainingSettings;
import io.sparkprop.driver.model.SavedModel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobConfigTest {
    private final ConfigSchema schema = ConfigSchema.shipped();

    private static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void shippedJarCopyEqualsTheDocumentedFile() throws IOException {
        try (var in = ConfigSchema.class.getResourceAsStream(ConfigSchema.RESOURCE)) {
            assertEquals(Files.readString(Path.of("..", "conf", "sparkprop-defaults.conf")),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertTrue(schema.entries().size() > 30);
        schema.entries().values().forEach(e -> assertFalse(e.doc().isEmpty(), e.key() + " has no description"));
    }

    @Test
    void precedenceIsDefaultsThenJobFileThenOverrides() {
        JobConfig c = JobConfig.resolve(schema, map("train.epochs", "3", "train.batchSize", "64"), "job.conf",
                map("train.epochs", "5"));
        assertEquals(5, c.get(TrainingSettings.EPOCHS));
        assertEquals(64, c.get(TrainingSettings.BATCH_SIZE));
        assertEquals(0.003, c.get(TrainingSettings.LEARNING_RATE));
        assertArrayEquals(new int[] {256, 128}, c.get(TrainingSettings.HIDDEN));
        assertTrue(c.describe().contains("train.epochs = 5   (the command line)"));
        assertTrue(c.describe().contains("train.batchSize = 64   (job file job.conf)"));
    }

    @Test
    void valuesAreTypedAsTheirSettingsDeclareThemAndChoicesAreEnums() {
        JobConfig c = JobConfig.resolve(schema, map("data.format", "CSV", "data.partitions", " 4 ", "retrain.metric", "R2"), "job.conf",
                map("model.task", "Regression", "output.overwrite", "TRUE", "data.weight", "w"));
        assertEquals(DataFormat.CSV, c.dataFormat());
        assertEquals(SavedModel.Task.REGRESSION, c.task());
        assertEquals(RetrainMetric.R2, c.retrainMetric());
        assertEquals(4, c.get(JobSettings.DATA_PARTITIONS));
        assertEquals(true, c.get(JobSettings.OUTPUT_OVERWRITE));
        assertEquals("w", c.optional(JobSettings.DATA_WEIGHT));
        assertEquals(null, c.optional(JobSettings.DATA_VALIDATION));
        assertEquals(0.1, c.get(JobSettings.REPLAY_FRACTION));
        assertTrue(c.describe().contains("data.format = CSV   (job file job.conf)"), "printed as given");
        Setting<String> undeclared = Setting.string("data.train", null, "", "not the schema's");
        assertThrows(IllegalStateException.class, () -> c.get(undeclared));
    }

    @Test
    void changedLinesAreTheKeysThatDifferFromTheirDefaultsEachWithTheLayerThatSetIt() {
        JobConfig c = JobConfig.resolve(schema, map("train.epochs", "3", "train.seed", "42"), "job.conf",
                List.of(new JobConfig.Layer("--conf", map("train.learningRate", "0.0030", "spark.executor.memory", "2g")),
                        new JobConfig.Layer("--epochs", map("train.epochs", "5"))));
        // train.seed and train.learningRate are set, but to their defaults (42; 0.003 spelt 0.0030)
        assertEquals(List.of("train.epochs = 5   (--epochs)", "spark.executor.memory = 2g   (--conf)"), c.describeChanged());
        assertTrue(c.describe().contains("train.seed = 42   (job file job.conf)"), c.describe().toString());
        assertTrue(c.describe().contains("train.learningRate = 0.0030   (--conf)"), c.describe().toString());
        assertTrue(c.describe().contains("train.batchSize = 64   (default)"), c.describe().toString());
        assertEquals(schema.entries().size() + 1, c.describe().size(), "every declared key and the one spark key");
    }

    @Test
    void unknownKeySuggestsTheClosest() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.resolve(schema, map("train.learnigRate", "0.1"), "job.conf", map()));
        assertTrue(e.getMessage().contains("'train.learnigRate'"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'train.learningRate'"), e.getMessage());
        assertTrue(e.getMessage().contains("job file job.conf"), e.getMessage());
    }

    @Test
    void wrongTypesAndRangesNameTheKeyAndTheExpectation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.resolve(schema, map(), "-", map("train.learningRate", "-0.1")));
        assertEquals("configuration key train.learningRate (from the command line) is '-0.1', expected a number > 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> JobConfig.resolve(schema, map(), "-", map("train.epochs", "ten")));
        assertTrue(e.getMessage().contains("expected an integer >= 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> JobConfig.resolve(schema, map(), "-", map("train.optimizer", "adagrad")));
        assertTrue(e.getMessage().contains("one of sgd, momentum, nesterov, adam, adamw"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> JobConfig.resolve(schema, map(), "-", map("train.beta1", "1")));
        assertTrue(e.getMessage().contains("expected a number >= 0 and < 1"), e.getMessage());
        for (String bad : new String[] {"1", "-0.1", "NaN"}) {
            e = assertThrows(IllegalArgumentException.class, () -> JobConfig.resolve(schema, map(), "-", map("model.dropout", bad)));
            assertEquals("configuration key model.dropout (from the command line) is '" + bad + "', expected a number >= 0 and < 1",
                    e.getMessage());
        }
        assertEquals(0.3, JobConfig.resolve(schema, map(), "-", map("model.dropout", "0.3")).trainingConfig()
                .get(io.sparkprop.driver.config.TrainingSettings.DROPOUT));
        e = assertThrows(IllegalArgumentException.class, () -> JobConfig.resolve(schema, map(), "-", map("model.hidden", "256,0")));
        assertTrue(e.getMessage().contains("comma-separated positive integers"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> JobConfig.resolve(schema, map(), "-", map("model.activation", "softmax")));
        assertEquals("configuration key model.activation (from the command line) is 'softmax', expected one of identity, sigmoid, tanh,"
                + " relu, leaky_relu", e.getMessage());
        assertEquals("leaky_relu(0.2)", JobConfig.resolve(schema, map(), "-", map("model.activation", "leaky_relu(0.2)"))
                .get(TrainingSettings.ACTIVATION));
    }

    @Test
    void credentialsAreRedactedWhereverConfigurationIsShown() {
        JobConfig c = JobConfig.resolve(schema, map(), "-", map("spark.hadoop.fs.s3a.secret.key", "AKIAsuperSecret123",
                "spark.hadoop.fs.s3a.access.key", "AKIAID", "spark.executor.memory", "2g"));
        assertEquals("AKIAsuperSecret123", c.sparkSettings().get("spark.hadoop.fs.s3a.secret.key"), "Spark still gets the real value");
        assertEquals(JobConfig.REDACTED, c.redacted().get("spark.hadoop.fs.s3a.secret.key"));
        assertEquals(JobConfig.REDACTED, c.redacted().get("spark.hadoop.fs.s3a.access.key"));
        assertEquals("2g", c.redacted().get("spark.executor.memory"));
        assertTrue(c.describe().stream().noneMatch(l -> l.contains("superSecret")));
    }

    @Test
    void hadoopsSensitiveKeysSparksRegexAndSecretsInsideValuesAreRedacted() {
        JobConfig c = JobConfig.resolve(schema, map(), "-", map(
                "spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net", "AZ1",  // Hadoop: fs.azure.account.key.*
                "spark.hadoop.fs.s3a.encryption.key", "ENC2",                           // Hadoop: fs.s3a.encryption.key
                "spark.hadoop.fs.azure.sas.container.acct.blob.core.windows.net", "SAS3", // sparkprop: SAS tokens
                "spark.hadoop.fs.gs.auth.service.account.json.keyfile", "GS4",          // Hadoop: fs.gs.auth.*
                "spark.driver.extraJavaOptions", "-Xss4m -Dfs.s3a.secret.key=IN5",      // Spark: the value matches
                "spark.executor.extraJavaOptions", "-Xss4m -Dfs.azure.account.key.a.b=IN6 -Dother=kept"));
        Map<String, String> r = c.redacted();
        for (String k : List.of("spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net", "spark.hadoop.fs.s3a.encryption.key",
                "spark.hadoop.fs.azure.sas.container.acct.blob.core.windows.net", "spark.hadoop.fs.gs.auth.service.account.json.keyfile",
                "spark.driver.extraJavaOptions")) {
            assertEquals(JobConfig.REDACTED, r.get(k), k);
        }
        assertEquals("-Xss4m -Dfs.azure.account.key.a.b=" + JobConfig.REDACTED + " -Dother=kept", r.get("spark.executor.extraJavaOptions"));
        assertEquals("-Xss4m -Dfs.azure.account.key.a.b=IN6 -Dother=kept", c.sparkSettings().get("spark.executor.extraJavaOptions"),
                "Spark still gets the real value");
        assertEquals("local[*]", r.get("spark.master"));
    }

    @Test
    void credentialsInsideDataPathUrisAreRedacted() {
        String r = JobConfig.REDACTED;
        JobConfig c = JobConfig.resolve(schema, Map.of(), "-", map(
                "data.train", "s3a://AKIAEXAMPLE:s3cret@bucket/tables/train",
                "data.validation", "https://acct.blob.core.windows.net/c/holdout.csv?sv=2024-01-01&sp=r&sig=SiGnAtUrE%3D",
                "output.model", "abfss://models@acct.dfs.core.windows.net/m?sv=1&se=2030-01-01&sig=abc&token=xyz",
                "retrain.replay.data", "hdfs://namenode:8020/replay"));
        Map<String, String> shown = c.redacted();
        assertEquals("s3a://" + r + "@bucket/tables/train", shown.get("data.train"));
        assertEquals("https://acct.blob.core.windows.net/c/holdout.csv?sv=2024-01-01&sp=r&sig=" + r, shown.get("data.validation"));
        assertEquals("abfss://models@acct.dfs.core.windows.net/m?sv=1&se=2030-01-01&sig=" + r + "&token=" + r,
                shown.get("output.model"), "a container name in the user info is not a secret; the SAS signature and a token are");
        assertEquals("hdfs://namenode:8020/replay", shown.get("retrain.replay.data"), "a host and port are no user info");
        assertEquals("s3a://" + r + "@bucket/tables/train", c.recorded().get("data.train"));
        assertTrue(c.describe().stream().noneMatch(l -> l.contains("s3cret") || l.contains("SiGnAtUrE")), c.describe().toString());

        Map<String, Object> training = Map.of("dataTrain", "s3a://AKIAEXAMPLE:s3cret@bucket/t",
                "configuration", Map.of("train.checkpoint.dir", "wasbs://c@a.blob.core.windows.net/ck?sig=abc", "train.epochs", 5),
                "paths", List.of("gs://b/x?X-Amz-Signature=deadbeef"));
        assertEquals(Map.of("dataTrain", "s3a://" + r + "@bucket/t",
                "configuration", Map.of("train.checkpoint.dir", "wasbs://c@a.blob.core.windows.net/ck?sig=" + r, "train.epochs", 5),
                "paths", List.of("gs://b/x?X-Amz-Signature=" + r)), c.redactStrings(training));
        assertEquals("cannot open input path s3a:/" + r + "@bucket/x: no file system", CredentialRedaction.defaults()
                .redactInside("cannot open input path s3a:/KEY:SECRET@bucket/x: no file system"), "a URI normalised to one slash");
    }

    @Test
    void theUsersRedactionRulesAddToTheDefaults() {
        JobConfig c = JobConfig.resolve(schema, map(), "-", map("spark.redaction.regex", "(?i)mycorp",
                "spark.hadoop.hadoop.security.sensitive-config-keys", "fs\\.internal\\.pin$",
                "spark.mycorp.name", "V1", "spark.hadoop.fs.internal.pin", "V2", "spark.hadoop.fs.s3a.secret.key", "V3",
                "spark.executor.memory", "2g"));
        Map<String, String> r = c.redacted();
        assertEquals(JobConfig.REDACTED, r.get("spark.mycorp.name"), "the user's spark.redaction.regex");
        assertEquals(JobConfig.REDACTED, r.get("spark.hadoop.fs.internal.pin"), "the user's hadoop.security.sensitive-config-keys");
        assertEquals(JobConfig.REDACTED, r.get("spark.hadoop.fs.s3a.secret.key"), "the defaults still apply");
        assertEquals("2g", r.get("spark.executor.memory"));
    }

    @Test
    void storedConfigurationLeavesOutSparkHadoopUnlessAsked() {
        Map<String, String> plain = JobConfig.resolve(schema, map(), "-", map("spark.hadoop.fs.s3a.endpoint", "http://minio:9000",
                "spark.executor.memory", "2g")).recorded();
        assertFalse(plain.containsKey("spark.hadoop.fs.s3a.endpoint"));
        assertEquals("2g", plain.get("spark.executor.memory"));
        Map<String, String> asked = JobConfig.resolve(schema, map(), "-", map("spark.hadoop.fs.s3a.endpoint", "http://minio:9000",
                "spark.hadoop.fs.s3a.secret.key", "S", "output.recordSparkConf", "true")).recorded();
        assertEquals("http://minio:9000", asked.get("spark.hadoop.fs.s3a.endpoint"));
        assertEquals(JobConfig.REDACTED, asked.get("spark.hadoop.fs.s3a.secret.key"));
    }

    @Test
    void anOldKeyIsReadAsItsReplacementWithOneWarning() {
        JobConfig c = JobConfig.resolve(schema, map("train.schedule.stepSize", "250"), "job.conf",
                map("train.schedule.gamma", "0.25"));
        assertEquals(250L, c.get(TrainingSettings.DECAY_STEPS));
        assertEquals(0.25, c.get(TrainingSettings.DECAY_RATE));
        assertEquals(2, c.warnings().size(), c.warnings().toString());
        assertEquals("configuration key train.schedule.stepSize (from job file job.conf) is deprecated and will be removed in"
                + " the next release: use train.schedule.decaySteps (this value is read as train.schedule.decaySteps)",
                c.warnings().get(0));
        assertTrue(c.warnings().get(1).contains("train.schedule.gamma") && c.warnings().get(1).contains("use train.schedule.decayRate"),
                c.warnings().get(1));
        assertEquals(250L, c.trainingConfig().get(io.sparkprop.driver.config.TrainingSettings.DECAY_STEPS));
        // an old key's value is checked against the new key's range
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.resolve(schema, map(), "-", map("train.schedule.k", "-1")));
        assertTrue(e.getMessage().contains("train.schedule.decayRate") && e.getMessage().contains("> 0"), e.getMessage());
        assertTrue(JobConfig.resolve(schema, map(), "-", map("train.epochs", "3")).warnings().isEmpty());
    }

    @Test
    void nonFiniteNumbersAreRejected() {
        for (String v : new String[] {"Infinity", "NaN", "-Infinity"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> JobConfig.resolve(schema, map(), "-", map("train.learningRate", v)));
            assertTrue(e.getMessage().contains("train.learningRate") && e.getMessage().contains("'" + v + "'"), e.getMessage());
        }
    }

    @Test
    void trainingSettingsAreReadTyped() {
        JobConfig c = JobConfig.resolve(schema, map(), "-", map("model.hidden", "64,32", "train.checkpoint.kept", "7",
                "train.evalBatchSize", "99", "train.aggregation", "sharded"));
        var t = c.trainingConfig();
        assertArrayEquals(new int[] {64, 32}, t.get(io.sparkprop.driver.config.TrainingSettings.HIDDEN));
        assertEquals(7, t.get(io.sparkprop.driver.config.TrainingSettings.CHECKPOINTS_KEPT));
        assertEquals(99, t.get(io.sparkprop.driver.config.TrainingSettings.EVAL_BATCH_SIZE));
        assertEquals("sharded", t.get(io.sparkprop.driver.config.TrainingSettings.AGGREGATION));
        assertFalse(c.redactedJobSettings().containsKey("model.hidden"));
        assertTrue(c.redactedJobSettings().containsKey("data.train"));
    }

    @Test
    void everyShippedExampleJobFileIsValid() throws IOException {
        try (var files = Files.list(Path.of("..", "conf", "jobs"))) {
            List<Path> jobs = files.filter(p -> p.toString().endsWith(".conf")).toList();
            assertTrue(jobs.size() >= 3, "example job files: " + jobs);
            for (Path job : jobs) {
                java.util.Properties p = new java.util.Properties();
                try (var in = Files.newBufferedReader(job)) {
                    p.load(in);
                }
                Map<String, String> entries = new LinkedHashMap<>();
                p.forEach((k, v) -> entries.put((String) k, (String) v));
                JobConfig.resolve(schema, entries, job.toString(), map());
            }
        }
    }

    @Test
    void editDistance() {
        assertEquals(0, ConfigSchema.editDistance("abc", "abc"));
        assertEquals(1, ConfigSchema.editDistance("abc", "abd"));
        assertEquals(3, ConfigSchema.editDistance("kitten", "sitting"));
    }
}
