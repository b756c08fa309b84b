package io.sparkprop.jobs.cli;

import io.sparkprop.driver.model.ModelStore;
import io.sparkprop.driver.model.SavedModel;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** data.cacheFormat on the real command line: a uint8 cache trains, is reported at its size and recorded; a bad value is a usage error. */
class CacheFormatCommandLineTest {
    @TempDir
    Path tmp;

    @Test
    void trainWithAUint8CacheAndInfoShowsIt() throws Exception {
        Path model = tmp.resolve("mnist-uint8");
        CommandLineRun train = CommandLineRun.run("train", "--epochs", "1", "-o", model.toString(), "--conf", "data.cacheFormat=uint8");
        assertEquals(0, train.exitCode, train.toString());
        assertTrue(train.out.contains("data.cacheFormat = uint8"), train.out);
        assertTrue(train.out.contains("MiB cached as uint8, 25."), train.out);
        assertTrue(train.out.contains("784 of 784 feature columns exact"), train.out);

        SavedModel saved = new ModelStore(new Configuration()).read(model.toString());
        Map<?, ?> cache = (Map<?, ?>) saved.training().get("cache");
        assertEquals("uint8", cache.get("format"));
        double ratio = ((Number) cache.get("bytes")).doubleValue() / ((Number) cache.get("float32Bytes")).doubleValue();
        assertTrue(ratio > 0.25 && ratio < 0.26, "uint8 cache " + ratio + " of float32");
        assertTrue(Files.readString(model.resolve("model.json")).contains("\"data.cacheFormat\" : \"uint8\"")
                || Files.readString(model.resolve("model.json")).contains("\"data.cacheFormat\":\"uint8\""), "recorded setting");

        CommandLineRun info = CommandLineRun.run("info", model.toString());
        assertEquals(0, info.exitCode, info.toString());
        assertTrue(info.out.contains("cache:       uint8 ("), info.out);
    }

    @Test
    void aBadFormatIsAUsageErrorNamingTheChoices() {
        CommandLineRun train = CommandLineRun.run("train", "--epochs", "1", "-o", tmp.resolve("never").toString(),
                "--conf", "data.cacheFormat=int4");
        assertEquals(2, train.exitCode, train.toString());
        assertTrue(train.err.contains("data.cacheFormat") && train.err.contains("float32") && train.err.contains("bfloat16")
                && train.err.contains("float16") && train.err.contains("uint8"), train.err);
        assertFalse(Files.exists(tmp.resolve("never")));
    }
}
