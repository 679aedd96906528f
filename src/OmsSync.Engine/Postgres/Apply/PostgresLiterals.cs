using OmsSync.Engine.Changes;
using System.Globalization;
using System.Text;
using OmsSync.Engine.Model;
using OmsSync.Engine.Mapping;
using OmsSync.Engine.MySql.Binlog.Rows;
using OmsSync.Engine.MySql.Values;
using OmsSync.Engine.Postgres.Schema;

namespace OmsSync.Engine.Postgres.Apply;

/// <summary>
/// Writes a decoded binlog value as a PostgreSQL literal for the column it is mapped to (<see cref="MySqlToPostgres"/>).
/// Every value, numbers too, is a quoted string of the column type's input syntax, which PostgreSQL reads as the
/// column's type (so a TINYINT(1) 1 becomes a boolean true where the PostgreSQL column is boolean):
/// text decoded with its MySQL charset, bytes as bytea hex, DECIMAL and temporal values as their exact text (TIMESTAMP
/// at UTC), zero dates as -infinity, BIT as a string of bits as wide as the column, ENUM and SET as their labels.
/// </summary>
internal sealed class PostgresLiterals
{
    private readonly ColumnSchema _column;
    private readonly IReadOnlyList<string>? _labels;
    private readonly int _bits;
    private readonly Func<string, string>? _input;

    /// <param name="column">The source (MySQL-family) column the values come from.</param>
    /// <param name="input">Turns the value's text into the target column's input where it differs (<see cref="PostgresInputText"/>).</param>
    public PostgresLiterals(ColumnSchema column, Func<string, string>? input = null)
    {
        _column = column;
        _input = input;
        _labels = column.DataType is "enum" or "set" ? RowColumn.ParseEnumValues(column.ColumnType) : null;
        _bits = column.DataType == "bit" ? MySqlToPostgres.Modifiers(column.ColumnType).Length ?? 1 : 0;
    }

    public void Append(StringBuilder sql, object? value)
    {
        switch (value)
        {
            case null: sql.Append("NULL"); return;
            case ColumnNotLogged:
                throw new InvalidOperationException("A row image lacks a column: the source logs partial row images. Set binlog_row_image=FULL on the source.");
        }
        PostgresSyntax.AppendString(sql, _input is null ? Text(value) : _input(Text(value)));
    }

    private string Text(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => ((double)f).ToString("R", CultureInfo.InvariantCulture), // exact widening; real reads back the same float
        // MariaDB's UUID travels as 16 bytes in text order, trailing zero bytes cut as for any BINARY(n).
        byte[] bytes when _column.DataType == "uuid" && bytes.Length <= 16 => new Guid(bytes.Concat(new byte[16 - bytes.Length]).ToArray(), bigEndian: true).ToString(),
        byte[] bytes => @"\x" + Convert.ToHexString(bytes),
        MySqlText t => t.ToString(),
        MySqlDecimal d => d.Text,
        MySqlDate d => d.IsZero ? "-infinity" : d.ToString(),
        MySqlDateTime d => d.IsZero ? "-infinity" : d.ToString(),
        MySqlTimestamp t => t.IsZero ? "-infinity" : t + "+00",
        MySqlTime t => t.ToString(),
        MySqlBit b => Convert.ToString((long)b.Value, 2).PadLeft(_bits, '0'),
        MySqlEnum e => e.Text ?? (_labels is not null && e.Index >= 1 && e.Index <= _labels.Count ? _labels[e.Index - 1] : ""),
        MySqlSet s => s.Text ?? string.Join(",", (_labels ?? []).Where((_, i) => (s.Bits & (1UL << i)) != 0)),
        MySqlJson j => j.Text,
        MySqlGeometry => throw new NotSupportedException($"Column {_column.Name}: spatial values are not migrated to PostgreSQL."),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
