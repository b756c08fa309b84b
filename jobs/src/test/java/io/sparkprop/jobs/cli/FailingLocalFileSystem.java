package io.sparkprop.jobs.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.util.Progressable;

import java.io.IOException;
import java.net.URI;

/**
 * A real Hadoop FileSystem for storage-fault tests: the local file system under the scheme
 * {@code faulty:}, except that creating a file or a directory whose name starts with
 * {@code fs.faulty.failOn} fails with an IOException, as a full disk or a revoked permission would, and
 * opening a file whose name starts with {@code fs.faulty.failOpenOn} fails as HDFS refuses a file the
 * user may not read (tests run as root, for whom a local chmod 000 file is still readable). Register with
 * {@code fs.faulty.impl} (and {@code fs.faulty.impl.disable.cache=true}, so each configuration's
 * fault is honoured).
 */
public final class FailingLocalFileSystem extends RawLocalFileSystem {
    private static final URI NAME = URI.create("faulty:///");
    private String failOn;
    private String failOpenOn;

    @Override
    public void initialize(URI uri, Configuration conf) throws IOException {
        super.initialize(uri, conf);
        failOn = conf.get("fs.faulty.failOn", "");
        failOpenOn = conf.get("fs.faulty.failOpenOn", "");
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        if (!failOpenOn.isEmpty() && f.getName().startsWith(failOpenOn)) {
            throw new AccessControlException("Permission denied: user=" + System.getProperty("user.name") + ", access=READ, inode=\""
                    + f.toUri().getPath() + "\"");
        }
        return super.open(f, bufferSize);
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
