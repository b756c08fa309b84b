package io.sparkprop.jobs.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

import java.io.IOException;
import java.net.URI;

/**
 * A real Hadoop FileSystem for storage-fault tests: the local file system under the scheme
 * {@code faulty:}, except that creating a file or a directory whose name starts with
 * {@code fs.faulty.failOn} fails with an IOException, as a full disk or a revoked permission would. Register with
 * {@code fs.faulty.impl} (and {@code fs.faulty.impl.disable.cache=true}, so each configuration's
 * fault is honoured).
 */
public final class FailingLocalFileSystem extends RawLocalFileSystem {
    private static final URI NAME = URI.create("faulty:///");
    private String failOn;

    @Override
    public void initialize(URI uri, Configuration conf) throws IOException {
        super.initialize(uri, conf);
        failOn = conf.get("fs.faulty.failOn", "");
    }

    @Override
    public URI getUri() {
        return NAME;
    }

    @Override
    public String getScheme() {
        return "faulty";
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        check(f);
        return super.create(f, overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication,
                                     long blockSize, Progressable progress) throws IOException {
        check(f);
        return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public boolean mkdirs(Path f) throws IOException {
        check(f);
        return super.mkdirs(f);
    }

    @Override
    public boolean mkdirs(Path f, FsPermission permission) throws IOException {
        check(f);
        return super.mkdirs(f, permission);
    }

    private void check(Path f) throws IOException {
        if (!failOn.isEmpty() && f.getName().startsWith(failOn)) {
            throw new IOException("injected fault: cannot create " + f);
        }
    }
}
