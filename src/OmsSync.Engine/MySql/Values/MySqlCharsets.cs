using System.Text;

namespace OmsSync.Engine.MySql.Values;

/// <summary>Maps MySQL/MariaDB collation ids to charset names and charset names to .NET encodings.</summary>
public static class MySqlCharsets
{
    public const int BinaryCollation = 63;

    private static readonly Dictionary<int, string> Collations = BuildCollations();

    static MySqlCharsets() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static Dictionary<int, string> BuildCollations()
    {
        var map = new Dictionary<int, string>();
        void Add(string charset, params int[] ids) { foreach (var id in ids) map[id] = charset; }
        void Range(string charset, int from, int to) { for (var id = from; id <= to; id++) map[id] = charset; }
        Add("big5", 1, 84); Add("latin2", 2, 9, 21, 27, 77); Add("dec8", 3, 69); Add("cp850", 4, 80);
        Add("latin1", 5, 8, 15, 31, 47, 48, 49, 94); Add("hp8", 6, 72); Add("koi8r", 7, 74); Add("swe7", 10, 82);
        Add("ascii", 11, 65); Add("ujis", 12, 91); Add("sjis", 13, 88); Add("cp1251", 14, 23, 50, 51, 52);
        Add("hebrew", 16, 71); Add("tis620", 18, 89); Add("euckr", 19, 85); Add("latin7", 20, 41, 42, 79);
        Add("koi8u", 22, 75); Add("gb2312", 24, 86); Add("greek", 25, 70); Add("cp1250", 26, 34, 44, 66, 99);
        Add("gbk", 28, 87); Add("cp1257", 29, 58, 59); Add("latin5", 30, 78); Add("armscii8", 32, 64);
        Add("utf8mb3", 33, 76, 83, 223); Add("ucs2", 35, 90, 159); Add("cp866", 36, 68); Add("keybcs2", 37, 73);
        Add("macce", 38, 43); Add("macroman", 39, 53); Add("cp852", 40, 81); Add("utf8mb4", 45, 46);
        Add("utf16", 54, 55); Add("utf16le", 56, 62); Add("cp1256", 57, 67); Add("utf32", 60, 61);
        Add("binary", BinaryCollation); Add("geostd8", 92, 93); Add("cp932", 95, 96); Add("eucjpms", 97, 98);
        Range("utf16", 101, 124); Range("ucs2", 128, 151); Range("utf32", 160, 183); Range("utf8mb3", 192, 215);
        Range("utf8mb4", 224, 247); Range("gb18030", 248, 250); Range("utf8mb4", 255, 323);
        // MariaDB: *_520_nopad / thai collations and the UCA 14.0 families.
        Range("utf8mb3", 576, 578); Range("utf8mb4", 608, 610); Range("ucs2", 640, 642); Range("utf16", 672, 674); Range("utf32", 736, 738);
        Range("utf8mb3", 2048, 2303); Range("utf8mb4", 2304, 2559); Range("ucs2", 2560, 2815); Range("utf16", 2816, 3071); Range("utf32", 3072, 3327);
        return map;
    }

    /// <summary>The charset of a collation id, or null when the id is unknown.</summary>
    public static string? CharsetOf(int collation)
    {
        if (Collations.TryGetValue(collation, out var name)) return name;
        // MariaDB's NOPAD variants of the classic collations are the classic id + 1024.
        if (collation is >= 1024 and < 1348 && Collations.TryGetValue(collation - 1024, out name)) return name;
        return null;
    }

    /// <summary>The .NET encoding for a MySQL charset name (latin1 is Windows-1252, as in MySQL).</summary>
    public static Encoding GetEncoding(string charset) => charset.ToLowerInvariant() switch
    {
        "utf8mb4" or "utf8mb3" or "utf8" => new UTF8Encoding(false),
        "ascii" => Encoding.ASCII,
        "latin1" => Encoding.GetEncoding(1252),
        "ucs2" or "utf16" => Encoding.BigEndianUnicode,
        "utf16le" => Encoding.Unicode,
        "utf32" => new UTF32Encoding(bigEndian: true, byteOrderMark: false),
        "binary" => Encoding.Latin1,
        "latin2" => Encoding.GetEncoding(28592),
        "greek" => Encoding.GetEncoding(28597),
        "hebrew" => Encoding.GetEncoding(28598),
        "latin5" => Encoding.GetEncoding(28599),
        "latin7" => Encoding.GetEncoding(28603),
        "cp1250" => Encoding.GetEncoding(1250),
        "cp1251" => Encoding.GetEncoding(1251),
        "cp1256" => Encoding.GetEncoding(1256),
        "cp1257" => Encoding.GetEncoding(1257),
        "cp850" => Encoding.GetEncoding(850),
        "cp852" => Encoding.GetEncoding(852),
        "cp866" => Encoding.GetEncoding(866),
        "koi8r" => Encoding.GetEncoding(20866),
        "koi8u" => Encoding.GetEncoding(21866),
        "gbk" or "gb2312" => Encoding.GetEncoding(936),
        "gb18030" => Encoding.GetEncoding(54936),
        "big5" => Encoding.GetEncoding(950),
        "sjis" or "cp932" => Encoding.GetEncoding(932),
        "ujis" or "eucjpms" => Encoding.GetEncoding(20932),
        "euckr" => Encoding.GetEncoding(949),
        "tis620" => Encoding.GetEncoding(874),
        "macroman" => Encoding.GetEncoding(10000),
        "macce" => Encoding.GetEncoding(10029),
        _ => throw new NotSupportedException($"No .NET encoding is known for MySQL charset '{charset}'."),
    };
}
