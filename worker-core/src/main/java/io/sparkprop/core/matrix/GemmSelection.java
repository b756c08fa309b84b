package io.sparkprop.core.matrix;

/** Picks the kernel once per JVM; see {@link Gemm#best()}. */
final class GemmSelection {
    static final Gemm BEST = select(System.getProperty("sparkprop.gemm", "auto"));

    private GemmSelection() {
    }

    static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    static Gemm select(String choice) {
        switch (choice) {
            case "plain":
                return new PlainGemm();
            case "vector":
                if (!vectorModulePresent()) {
                    throw new IllegalStateException("sparkprop.gemm=vector needs the JVM flag --add-modules=jdk.incubator.vector");
                }
                return VectorGemmLoader.load();
            case "auto":
                return vectorModulePresent() ? VectorGemmLoader.load() : new PlainGemm();
            default:
                throw new IllegalArgumentException("sparkprop.gemm must be auto, plain or vector, got '" + choice + "'");
        }
    }

    /** Kept in its own class so the Vector API classes are loaded only when the module is there. */
    private static final class VectorGemmLoader {
        static Gemm load() {
            return new VectorGemm();
        }
    }
}
