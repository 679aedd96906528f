namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>One column as a TABLE_MAP event describes it; the optional fields are filled from the optional metadata block.</summary>
internal sealed class TableMapColumn(int index, ColumnType type, ushort metadata)
{
    public int Index { get; } = index;
    /// <summary>The real type: CHAR/ENUM/SET are told apart here, BLOB/TEXT are not.</summary>
    public ColumnType Type { get; } = type;
    /// <summary>
    /// Type metadata: FLOAT/DOUBLE byte size, BLOB/JSON/GEOMETRY length-prefix size, VARCHAR max byte length,
    /// BIT (bytes &lt;&lt; 8 | extra bits), NEWDECIMAL (precision &lt;&lt; 8 | scale), STRING/ENUM/SET (real type &lt;&lt; 8 | length,
    /// CHAR lengths over 255 folded into the type byte), TIME2/DATETIME2/TIMESTAMP2 fractional digits.
    /// </summary>
    public ushort Metadata { get; } = metadata;
    public bool Nullable { get; internal set; }

    public bool? Unsigned { get; internal set; }
    /// <summary>Collation id of a character, ENUM or SET column (63 = binary).</summary>
    public int? Collation { get; internal set; }
    public string? Name { get; internal set; }
    public IReadOnlyList<string>? EnumValues { get; internal set; }
    public IReadOnlyList<string>? SetValues { get; internal set; }
    public bool IsPrimaryKey { get; internal set; }

    /// <summary>CHAR column's maximum byte length (decides a 1- or 2-byte length prefix).</summary>
    public int StringMaxLength
    {
        get
        {
            int high = Metadata >> 8, low = Metadata & 0xFF;
            return (high & 0x30) != 0x30 ? low | ((high & 0x30) ^ 0x30) << 4 : low;
        }
    }
}
