package io.sparkprop.jobs.config;

import org.apache.hadoop.conf.ConfigRedactor;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonConfigurationKeysPublic;
import org.apache.spark.SparkConf;
import org.apache.spark.internal.config.ConfigEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which configuration values are credentials, by the rules of the systems that read them:
 * <ul>
 *   <li>Spark's {@code spark.redaction.regex}: its declared default (read from Spark's own config
 *       entry, not copied) together with any value the user set (in this job's configuration or in
 *       Spark's own, e.g. spark-defaults.conf through spark-submit). As in Spark, a {@code spark.*}
 *       key is redacted when its key or its value matches.</li>
 *   <li>Hadoop's {@code hadoop.security.sensitive-config-keys}: its default list (Hadoop's constant,
 *       the same as core-default.xml) together with the value of core-site.xml and of the job's
 *       {@code spark.hadoop.hadoop.security.sensitive-config-keys}, matched by Hadoop's own
 *       {@link ConfigRedactor} against the key without its {@code spark.hadoop.} prefix.</li>
 *   <li>sparkprop's few additions that neither list has (credential, private key, auth, Azure SAS
 *       tokens).</li>
 * </ul>
 * A secret can also sit inside a value ({@code spark.driver.extraJavaOptions=-Dfs.s3a.secret.key=...}):
 * every {@code key=value} pair inside a value whose key is sensitive has its value replaced.
 */
public final class CredentialRedaction {
    public static final String REDACTED = "*********(redacted)";

    static final String SPARK_REGEX_KEY = "spark.redaction.regex";
    static final String HADOOP_KEYS_KEY = CommonConfigurationKeysPublic.HADOOP_SECURITY_SENSITIVE_CONFIG_KEYS;
    private static final String SPARK_HADOOP = "spark.hadoop.";
    /** sparkprop's additions to Spark's and Hadoop's lists. */
    private static final Pattern OWN = Pattern.compile("(?i)credential|private[._-]?key|auth|\\.sas\\.|sas[._-]?token");
    /** {@code key=value} inside a value: an optional -D, a dotted key, '=', the value up to white space. */
    private static final Pattern EMBEDDED = Pattern.compile("(-D)?([A-Za-z0-9_.\\-]+)=(\"[^\"]*\"|'[^']*'|\\S*)");

    private final Pattern spark;
    private final ConfigRedactor hadoop;

    private CredentialRedaction(Pattern spark, ConfigRedactor hadoop) {
        this.spark = spark;
        this.hadoop = hadoop;
    }

    /** The rules for a job whose effective configuration is {@code values} (keys as given, spark.* included). */
    public static CredentialRedaction of(Map<String, String> values) {
        List<String> sparkRegexes = new ArrayList<>();
        ConfigEntry<?> entry = org.apache.spark.internal.config.package$.MODULE$.SECRET_REDACTION_PATTERN();
        sparkRegexes.add(entry.defaultValueString());
        SparkConf sparkConf = new SparkConf(true);
        if (sparkConf.contains(SPARK_REGEX_KEY)) {
            sparkRegexes.add(sparkConf.get(SPARK_REGEX_KEY));
        }
        String userRegex = values.get(SPARK_REGEX_KEY);
        if (userRegex != null && !userRegex.isBlank()) {
            sparkRegexes.add(userRegex);
        }
        Pattern spark = Pattern.compile(String.join("|", sparkRegexes.stream().map(r -> "(?:" + r + ")").toList()));

        List<String> hadoopKeys = new ArrayList<>();
        hadoopKeys.add(CommonConfigurationKeysPublic.HADOOP_SECURITY_SENSITIVE_CONFIG_KEYS_DEFAULT);
        String site = new Configuration().get(HADOOP_KEYS_KEY);
        if (site != null) {
            hadoopKeys.add(site);
        }
        String user = values.get(SPARK_HADOOP + HADOOP_KEYS_KEY);
        if (user != null && !user.isBlank()) {
            hadoopKeys.add(user);
        }
        Configuration conf = new Configuration(false);
        conf.set(HADOOP_KEYS_KEY, String.join(",", hadoopKeys));
        return new CredentialRedaction(spark, new ConfigRedactor(conf));
    }

    /** Whether {@code key}'s value is a credential by any of the three rules. */
    public boolean isSecret(String key) {
        String hadoopKey = key.startsWith(SPARK_HADOOP) ? key.substring(SPARK_HADOOP.length()) : key;
        return spark.matcher(key).find() || OWN.matcher(key).find() || !"x".equals(hadoop.redact(hadoopKey, "x"));
    }

    /** {@code value} as it may be printed or stored: {@link #REDACTED}, or with the secrets inside it replaced. */
    public String redact(String key, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        if (isSecret(key) || (key.startsWith("spark.") && spark.matcher(value).find())) {
            return REDACTED;
        }
        return redactInside(value);
    }

    /** Replaces the value of every sensitive {@code key=value} pair inside {@code text}. */
    public String redactInside(String text) {
        Matcher m = EMBEDDED.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = isSecret(m.group(2)) && !m.group(3).isEmpty()
                    ? (m.group(1) == null ? "" : m.group(1)) + m.group(2) + "=" + REDACTED : m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
