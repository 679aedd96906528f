using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Binlog.Events;
using OmsSync.Engine.MySql.Values;

namespace OmsSync.Engine.MySql.Binlog.Rows;

/// <summary>
/// Everything needed to decode one column of a row image: the TABLE_MAP's type and metadata,
/// completed by the caller's <see cref="ColumnSchema"/> where the binlog is silent (MariaDB logs
/// no signedness, charsets or names by default).
/// </summary>
internal sealed class RowColumn
{
    private static readonly HashSet<string> BinaryTypes = new(StringComparer.OrdinalIgnoreCase)
        { "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" };

    public required int Index { get; init; }
    public required string? Name { get; init; }
    public required ColumnType Type { get; init; }
    public required ushort Metadata { get; init; }
    public required bool Unsigned { get; init; }
    /// <summary>Charset of a text column; null means binary or unknown, and the value stays byte[].</summary>
    public required string? Charset { get; init; }
    public int? Collation { get; init; }
    /// <summary>BINARY(n): trailing zero bytes the server strips are put back up to this length.</summary>
    public int? BinaryPadLength { get; init; }
    public IReadOnlyList<string>? EnumValues { get; init; }
    public IReadOnlyList<string>? SetValues { get; init; }

    public static RowColumn[] Build(TableMapEvent map, TableSchema? schema)
    {
        if (schema is not null && schema.Columns.Count != map.Columns.Count)
            throw new InvalidOperationException(
                $"Table {map.Database}.{map.Table} has {map.Columns.Count} columns in the binlog but {schema.Columns.Count} in the schema supplied for it; " +
                "the schema must be the one in force at this binlog position.");
        var ordered = schema?.Columns.OrderBy(x => x.Ordinal).ToArray();
        var result = new RowColumn[map.Columns.Count];
        for (var i = 0; i < result.Length; i++) result[i] = Build(map.Columns[i], ordered?[i]);
        return result;
    }

    private static RowColumn Build(TableMapColumn column, ColumnSchema? schema)
    {
        string? charset = null;
        int? padLength = null;
        if (column.Type.IsCharacter())
        {
            var binary = column.Collation is { } id ? id == MySqlCharsets.BinaryCollation : schema is not null && (BinaryTypes.Contains(schema.DataType) || schema.Charset is null);
            if (!binary)
                charset = column.Collation is { } collation ? MySqlCharsets.CharsetOf(collation) ?? schema?.Charset : schema?.Charset;
            if (binary && column.Type == ColumnType.String && (schema is null || schema.DataType.Equals("binary", StringComparison.OrdinalIgnoreCase)))
                padLength = column.StringMaxLength;
        }
        var enumSet = schema is not null && column.Type.IsEnumOrSet() ? ParseEnumValues(schema.ColumnType) : null;
        return new RowColumn
        {
            Index = column.Index,
            Name = column.Name ?? schema?.Name,
            Type = column.Type,
            Metadata = column.Metadata,
            Unsigned = column.Unsigned ?? schema?.Unsigned ?? false,
            Charset = charset,
            Collation = column.Collation,
            BinaryPadLength = padLength,
            EnumValues = column.EnumValues ?? (column.Type == ColumnType.Enum ? enumSet : null),
            SetValues = column.SetValues ?? (column.Type == ColumnType.Set ? enumSet : null),
        };
    }

    /// <summary>The quoted values of "enum('a','b''c')" or "set(...)" as information_schema.COLUMN_TYPE writes them.</summary>
    internal static IReadOnlyList<string>? ParseEnumValues(string columnType)
    {
        var open = columnType.IndexOf('(');
        if (open < 0) return null;
        var values = new List<string>();
        var i = open + 1;
        while (i < columnType.Length && columnType[i] == '\'')
        {
            var value = new System.Text.StringBuilder();
            i++;
            while (i < columnType.Length)
            {
                if (columnType[i] == '\'' && i + 1 < columnType.Length && columnType[i + 1] == '\'') { value.Append('\''); i += 2; }
                else if (columnType[i] == '\'') { i++; break; }
                else if (columnType[i] == '\\' && i + 1 < columnType.Length) { value.Append(columnType[i + 1]); i += 2; }
                else value.Append(columnType[i++]);
            }
            values.Add(value.ToString());
            if (i < columnType.Length && columnType[i] == ',') i++;
        }
        return values;
    }
}
