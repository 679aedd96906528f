namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>Column type codes as TABLE_MAP events carry them (enum_field_types).</summary>
internal enum ColumnType : byte
{
    Decimal = 0,
    Tiny = 1,
    Short = 2,
    Long = 3,
    Float = 4,
    Double = 5,
    Null = 6,
    Timestamp = 7,
    LongLong = 8,
    Int24 = 9,
    Date = 10,
    Time = 11,
    DateTime = 12,
    Year = 13,
    NewDate = 14,
    VarChar = 15,
    Bit = 16,
    Timestamp2 = 17,
    DateTime2 = 18,
    Time2 = 19,
    TypedArray = 20,
    Vector = 242,
    Json = 245,
    NewDecimal = 246,
    Enum = 247,
    Set = 248,
    TinyBlob = 249,
    MediumBlob = 250,
    LongBlob = 251,
    Blob = 252,
    VarString = 253,
    String = 254,
    Geometry = 255,
}

internal static class ColumnTypeExtensions
{
    /// <summary>Columns the SIGNEDNESS optional metadata has a bit for.</summary>
    public static bool IsNumeric(this ColumnType type) => type is ColumnType.Tiny or ColumnType.Short or ColumnType.Int24
        or ColumnType.Long or ColumnType.LongLong or ColumnType.NewDecimal or ColumnType.Float or ColumnType.Double;

    /// <summary>Columns the (DEFAULT_|COLUMN_)CHARSET optional metadata covers; ENUM and SET have their own.</summary>
    public static bool IsCharacter(this ColumnType type) => type is ColumnType.String or ColumnType.VarString or ColumnType.VarChar
        or ColumnType.Blob or ColumnType.TinyBlob or ColumnType.MediumBlob or ColumnType.LongBlob;

    public static bool IsEnumOrSet(this ColumnType type) => type is ColumnType.Enum or ColumnType.Set;
}
