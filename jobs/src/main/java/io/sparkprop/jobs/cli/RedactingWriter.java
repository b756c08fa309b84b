package io.sparkprop.jobs.cli;

import io.sparkprop.jobs.config.CredentialRedaction;

import java.io.IOException;
import java.io.Writer;

/**
 * What every command prints, on stdout and stderr alike, passes through here: each line (up to \n or
 * \r, which the terminal progress line uses to redraw itself) or whatever is flushed before its end
 * has the credentials inside it replaced ({@link CredentialRedaction#redactInside}: a password in a
 * URI's user info, a SAS signature, a sensitive key=value). A data path, a registry, an output
 * given with credentials in its URI thus never reaches the terminal or a log through a message,
 * a progress line or the configuration printed.
 */
final class RedactingWriter extends Writer {
    private final Writer target;
    private final StringBuilder pending = new StringBuilder();

    RedactingWriter(Writer target) {
        this.target = target;
    }

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
        synchronized (lock) {
            for (int i = offset; i < offset + length; i++) {
                pending.append(chars[i]);
                if (chars[i] == '\n' || chars[i] == '\r') {
                    emit();
                }
            }
        }
    }

    private void emit() throws IOException {
        if (pending.length() > 0) {
            target.write(CredentialRedaction.defaults().redactInside(pending.toString()));
            pending.setLength(0);
        }
    }

    @Override
    public void flush() throws IOException {
        synchronized (lock) {
            emit();
            target.flush();
        }
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
