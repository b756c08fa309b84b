package io.sparkprop.driver.config;

/**
 * A setting given a value it does not take, or a key that does not exist: a usage error (the command
 * line exits with 2), with a message that names the key, the value and what was expected.
 */
public final class ConfigurationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }
}
