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
 * every {@code key=value} pair inside a value whose key is sensitive has its value replaced. And a
 * data path can carry one in its URI: the user info of {@code s3a://KEY:SECRET@bucket/path} (a
 * user:password pair; a user alone, as in {@code abfss://container@account...}, is a name, not a
 * secret), or a query parameter such as an Azure SAS token's {@code sig} in
 * {@code https://acct.blob.core.windows.net/c?sv=...&sig=SECRET}. Neither Spark (whose
 * {@code Utils.redact} is private and looks at keys) nor Hadoop ({@link ConfigRedactor} also looks at
 * keys; {@code Path} keeps the user info) has a public helper for URIs, so {@link #redactUris} does
 * it: the user info that holds a password, and each query parameter whose name is sensitive by the
 * rules above or is one of the signature parameters of Azure SAS and AWS presigned URLs.
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

    /**
     * {@code scheme://user:password@}: the user info of a URI that carries a password; also after a
     * single slash, as a path normalised by java.nio.file or Hadoop's Path ({@code s3a:/KEY:SECRET@bucket}) shows it.
     */
    private static final Pattern URI_PASSWORD = Pattern.compile("([A-Za-z][A-Za-z0-9+.\\-]*:/{1,2})[^/?#@\\s:'\"]*:[^/?#@\\s'\"]*@");
    /** One {@code name=value} of a URI's query, after its ? or a separator. */
    private static final Pattern QUERY_PARAMETER = Pattern.compile("([?&;])([^=&;#?\\s'\"]+)=([^&;#\\s'\"]*)");
    /** Query parameters that are credentials though no key rule names them: Azure SAS's and AWS presigned URLs' signatures. */
    private static final Pattern QUERY_SECRETS = Pattern.compile("(?i)sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token");

    /** The rules without a job's own settings (Spark's and Hadoop's defaults, site files, sparkprop's): for any text printed. */
    private static final class Defaults {
        static final CredentialRedaction RULES = of(Map.of());
    }

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

    /** The default rules ({@link #of} of no settings), for text printed outside any one job's configuration. */
    public static CredentialRedaction defaults() {
        return Defaults.RULES;
    }

    /**
     * Replaces the secrets inside {@code text}: those in URIs ({@link #redactUris}) and the value of
     * every sensitive {@code key=value} pair.
     */
    public String redactInside(String text) {
        Matcher m = EMBEDDED.matcher(redactUris(text));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = isSecret(m.group(2)) && !m.group(3).isEmpty()
                    ? (m.group(1) == null ? "" : m.group(1)) + m.group(2) + "=" + REDACTED : m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * {@code text} with the credentials of every URI in it replaced: a user info holding a password
     * ({@code s3a://*********(redacted)@bucket/path}) and the value of each sensitive query parameter
     * ({@code ?sv=2022-11-02&sig=*********(redacted)}).
     */
    public String redactUris(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String withoutPasswords = URI_PASSWORD.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + REDACTED + "@"));
        Matcher m = QUERY_PARAMETER.matcher(withoutPasswords);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(2);
            boolean secret = !m.group(3).isEmpty() && (QUERY_SECRETS.matcher(name).matches() || isSecret(name));
            m.appendReplacement(out, Matcher.quoteReplacement(secret ? m.group(1) + name + "=" + REDACTED : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }
}
