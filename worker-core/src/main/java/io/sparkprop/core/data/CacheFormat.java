package io.sparkprop.core.data;

import java.util.Locale;

/**
 * How a cached dense block stores its features (data.cacheFormat): float32 as given, or a compact
 * code that {@link DataBlock#gather} decodes into the batch's float32 buffer row by row.
 * <pre>
 *   float32   4 bytes a value, the values themselves
 *   bfloat16  2 bytes: the top 16 bits of the float32, rounded to nearest even (8 significant bits)
 *   float16   2 bytes: IEEE 754 binary16, rounded to nearest even (11 significant bits, |x| &lt;= 65504)
 *   uint8     1 byte:  q = round((x - offset_j) / step_j) in [0, 255] per column j (see {@link CompactFeatures})
 * </pre>
 */
public enum CacheFormat {
    FLOAT32(4),
    BFLOAT16(2),
    FLOAT16(2),
    UINT8(1);

    private final int bytesPerValue;

    CacheFormat(int bytesPerValue) {
        this.bytesPerValue = bytesPerValue;
    }

    public int bytesPerValue() {
        return bytesPerValue;
    }

    /** The name as the setting spells it (lower case). */
    public String settingName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format named {@code name} (case-insensitive), as data.cacheFormat spells it. */
    public static CacheFormat of(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
}
