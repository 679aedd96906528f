using System.Text;
using OmsSync.Engine.MySql.Binlog.Protocol;

namespace OmsSync.Engine.MySql.Binlog.Events;

/// <summary>
/// The optional metadata block at the end of a TABLE_MAP event (MySQL 8.0.1+, MariaDB 10.5+ with
/// binlog_row_metadata=MINIMAL or FULL): type, length, value triples. Unknown types are skipped.
/// </summary>
internal static class TableMapOptionalMetadata
{
    private const byte Signedness = 1;
    private const byte DefaultCharset = 2;
    private const byte ColumnCharset = 3;
    private const byte ColumnName = 4;
    private const byte SetStrValue = 5;
    private const byte EnumStrValue = 6;
    private const byte SimplePrimaryKey = 8;
    private const byte PrimaryKeyWithPrefix = 9;
    private const byte EnumAndSetDefaultCharset = 10;
    private const byte EnumAndSetColumnCharset = 11;

    public static void Apply(ReadOnlySpan<byte> block, TableMapColumn[] columns)
    {
        var reader = new PacketReader(block);
        var numeric = columns.Where(c => c.Type.IsNumeric()).ToArray();
        var character = columns.Where(c => c.Type.IsCharacter()).ToArray();
        var enumSet = columns.Where(c => c.Type.IsEnumOrSet()).ToArray();
        var enumValues = new Dictionary<int, byte[][]>();
        var setValues = new Dictionary<int, byte[][]>();
        while (!reader.IsEmpty)
        {
            var type = reader.ReadByte();
            var value = new PacketReader(reader.ReadLengthEncodedBytes());
            switch (type)
            {
                case Signedness:
                {
                    var bits = value.ReadRest();
                    if (bits.Length < (numeric.Length + 7) / 8) throw new FormatException("Truncated SIGNEDNESS metadata.");
                    for (var i = 0; i < numeric.Length; i++) numeric[i].Unsigned = (bits[i / 8] & (0x80 >> (i % 8))) != 0;
                    break;
                }
                case DefaultCharset:
                    ApplyDefaultCharset(ref value, character);
                    break;
                case ColumnCharset:
                    foreach (var column in character) column.Collation = value.ReadLengthEncodedLength();
                    break;
                case EnumAndSetDefaultCharset:
                    ApplyDefaultCharset(ref value, enumSet);
                    break;
                case EnumAndSetColumnCharset:
                    foreach (var column in enumSet) column.Collation = value.ReadLengthEncodedLength();
                    break;
                case ColumnName:
                    foreach (var column in columns) column.Name = value.ReadLengthEncodedString();
                    break;
                case SetStrValue:
                    foreach (var column in columns.Where(c => c.Type == ColumnType.Set)) setValues[column.Index] = ReadStrings(ref value);
                    break;
                case EnumStrValue:
                    foreach (var column in columns.Where(c => c.Type == ColumnType.Enum)) enumValues[column.Index] = ReadStrings(ref value);
                    break;
                case SimplePrimaryKey:
                    while (!value.IsEmpty) MarkKey(columns, value.ReadLengthEncodedLength());
                    break;
                case PrimaryKeyWithPrefix:
                    while (!value.IsEmpty)
                    {
                        MarkKey(columns, value.ReadLengthEncodedLength());
                        value.ReadLengthEncodedInteger();
                    }
                    break;
            }
        }
        // ENUM and SET member names are stored in the column's charset, which may come after them in the block.
        foreach (var (index, values) in enumValues) columns[index].EnumValues = Decode(values, columns[index]);
        foreach (var (index, values) in setValues) columns[index].SetValues = Decode(values, columns[index]);
    }

    private static string[] Decode(byte[][] values, TableMapColumn column)
    {
        var charset = column.Collation is { } id ? Values.MySqlCharsets.CharsetOf(id) : null;
        var encoding = charset is null || charset == "binary" ? Encoding.UTF8 : Values.MySqlCharsets.GetEncoding(charset);
        return values.Select(v => encoding.GetString(v)).ToArray();
    }

    private static void ApplyDefaultCharset(ref PacketReader value, TableMapColumn[] columns)
    {
        var collation = value.ReadLengthEncodedLength();
        foreach (var column in columns) column.Collation = collation;
        while (!value.IsEmpty)
        {
            var index = value.ReadLengthEncodedLength();
            var other = value.ReadLengthEncodedLength();
            if (index >= columns.Length) throw new FormatException($"Charset metadata names column {index} of {columns.Length}.");
            columns[index].Collation = other;
        }
    }

    private static byte[][] ReadStrings(ref PacketReader value)
    {
        var count = value.ReadLengthEncodedLength();
        if (count > value.Remaining) throw new FormatException($"ENUM/SET metadata claims {count} values in {value.Remaining} bytes.");
        var values = new byte[count][];
        for (var i = 0; i < count; i++) values[i] = value.ReadLengthEncodedBytes().ToArray();
        return values;
    }

    private static void MarkKey(TableMapColumn[] columns, int index)
    {
        if (index >= columns.Length) throw new FormatException($"Primary key metadata names column {index} of {columns.Length}.");
        columns[index].IsPrimaryKey = true;
    }
}
