package io.sparkprop.jobs.output;

import io.sparkprop.driver.io.OutputSwap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobPattern;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A path a command reads or writes: {@code what} names it in messages ("the training data
 * /data/x.csv", "output path models/x"), {@code paths} are the places it covers, qualified through Hadoop FS (scheme,
 * authority, normalised; local files with their symlinks resolved): one for an output, a glob's
 * matches for an input.
 */
public record Place(String what, List<Path> paths) {
    /** How two places lie. */
    enum Relation { SAME, CONTAINS, INSIDE, APART }

    /**
     * An input; a path Hadoop cannot resolve (an unknown scheme, {@code builtin:}) covers nothing
     * here, and reading it says why. A glob covers what it matches.
     */
    public static Place input(String what, String uri, Configuration conf) {
        List<Path> paths = new ArrayList<>();
        try {
            Path p = new Path(uri);
            FileSystem fs = OutputSwap.fileSystem(p, conf);
            FileStatus[] matches = new GlobPattern(uri).hasWildcard() ? fs.globStatus(p) : null;
            if (matches == null) {
                paths.add(qualify(fs, p));
            } else {
                for (FileStatus m : matches) {
                    paths.add(qualify(fs, m.getPath()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not a Hadoop path: nothing of ours can be written there
        }
        return new Place(what + " " + uri, paths);
    }

    /** An output; refused in one line when it is empty or names a scheme no Hadoop file system serves. */
    public static Place output(String what, String uri, Configuration conf) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException(what + " is empty: name a folder or file (a path or URI)");
        }
        Path p;
        FileSystem fs;
        try {
            p = new Path(uri);
            fs = OutputSwap.fileSystem(p, conf);
        } catch (IOException | RuntimeException e) {
            int colon = uri.indexOf(':');
            int slash = uri.indexOf('/');
            if (colon > 0 && (slash < 0 || colon < slash) && !uri.startsWith("://", colon)) {
                throw new IllegalArgumentException(what + " " + uri + " reads as a URI of scheme '" + uri.substring(0, colon)
                        + "', which no Hadoop file system serves; a ':' cannot be part of a file name: choose a name without ':'", e);
            }
            throw new IllegalArgumentException("cannot write to " + what + " " + uri + ": " + e.getMessage(), e);
        }
        try {
            return new Place(what + " " + uri, List.of(qualify(fs, p)));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot resolve " + what + " " + uri + ": " + e.getMessage(), e);
        }
    }

    private static Path qualify(FileSystem fs, Path p) throws IOException {
        // through the String form, which drops a trailing '/'
        Path q = fs.makeQualified(new Path(p.toString()));
        if (!"file".equals(q.toUri().getScheme())) {
            return q;
        }
        // the longest existing prefix with its symlinks resolved, then the rest as given
        java.nio.file.Path local = Paths.get(q.toUri().getPath());
        java.nio.file.Path existing = local;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return q;
        }
        java.nio.file.Path real = existing.toRealPath().resolve(existing.relativize(local));
        return new Path("file", null, real.toString());
    }

    /** How {@code this} lies to {@code other}: the same path, containing it, inside it, or apart. */
    Relation relationTo(Place other) {
        for (Path a : paths) {
            for (Path b : other.paths) {
                Relation r = relation(a, b);
                if (r != Relation.APART) {
                    return r;
                }
            }
        }
        return Relation.APART;
    }

    private static Relation relation(Path a, Path b) {
        if (!root(a).equals(root(b))) {
            return Relation.APART;
        }
        String pa = a.toUri().getPath().replaceAll("/+$", "") + "/";
        String pb = b.toUri().getPath().replaceAll("/+$", "") + "/";
        if (pa.equals(pb)) {
            return Relation.SAME;
        }
        return pb.startsWith(pa) ? Relation.CONTAINS : pa.startsWith(pb) ? Relation.INSIDE : Relation.APART;
    }

    /** Scheme and authority, which name a file system whatever their case. */
    private static String root(Path p) {
        return (p.toUri().getScheme() + "://" + p.toUri().getAuthority()).toLowerCase(Locale.ROOT);
    }

    /**
     * Refuses this output when it is, contains or lies inside any of {@code others}:
     * one line naming both and {@code advice}.
     */
    public void refuseOverlap(List<Place> others, String advice) {
        for (Place other : others) {
            Relation r = relationTo(other);
            if (r != Relation.APART) {
                String how = r == Relation.SAME ? "is" : r == Relation.CONTAINS ? "contains" : "lies inside";
                throw new IllegalArgumentException(what + " " + how + " " + other.what + ": " + advice);
            }
        }
    }
}
