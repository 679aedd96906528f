using OmsSync.Engine.Sources.MySql.Values;

namespace OmsSync.Engine.Incremental;

/// <summary>
/// Turns decoded binlog values into MySqlConnector parameter values that write back exactly:
/// strings travel as the bytes the source stored (binary, so no charset conversion happens on the way),
/// DECIMAL and temporal values as their exact text, FLOAT widened to DOUBLE (exact), BIT/ENUM/SET as numbers.
/// </summary>
internal static class ValueParameters
{
    public static object ToParameter(object? value) => value switch
    {
        null => DBNull.Value,
        long or ulong or int or double or byte[] => value,
        float f => (double)f,
        MySqlDecimal d => d.Text,
        MySqlDate or MySqlDateTime or MySqlTime or MySqlTimestamp => value.ToString()!,
        MySqlBit b => b.Value,
        MySqlEnum e => (long)e.Index,
        MySqlSet s => s.Bits,
        MySqlText t => t.ToArray(),
        MySqlJson j => j.Text,
        MySqlGeometry g => g.ToArray(),
        ColumnNotLogged => throw new InvalidOperationException(
            "A row image lacks a column: the source logs partial row images. Set binlog_row_image=FULL on the source."),
        _ => value,
    };

    /// <summary>
    /// Key values compare with the column's collation so the target can use its index: text keys travel
    /// as text rather than bytes (a binary operand would force a binary comparison and a full scan).
    /// </summary>
    public static object ToKeyParameter(object? value) => value is MySqlText t ? t.ToString() : ToParameter(value);
}
