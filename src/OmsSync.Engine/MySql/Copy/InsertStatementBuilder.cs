using OmsSync.Engine.FullLoad;
using OmsSync.Engine.MySql.Schema;
using System.Text;

namespace OmsSync.Engine.MySql.Copy;

/// <summary>
/// The fallback when the target refuses LOAD DATA LOCAL (local_infile OFF): turns a chunk's LOAD DATA
/// text into multi-row INSERT statements whose values are binary string literals, which the server
/// converts exactly as LOAD DATA ... CHARACTER SET binary does.
/// </summary>
internal static class InsertStatementBuilder
{
    private const int MaxStatementBytes = 4 << 20;

    public static IEnumerable<string> Build(TableCopyPlan plan, ReadOnlyMemory<byte> loadData, bool ignore)
    {
        var head = $"INSERT {(ignore ? "IGNORE " : "")}INTO {plan.TargetName} ({string.Join(", ", plan.Transfers.Select(t => MySqlSyntax.QuoteIdentifier(t.Column.Name)))}) VALUES ";
        var statement = new StringBuilder(head);
        var rowsInStatement = 0;
        foreach (var row in Rows(loadData, plan.Transfers.Count))
        {
            var rowSql = RowSql(plan, row);
            if (rowsInStatement > 0 && statement.Length + rowSql.Length > MaxStatementBytes)
            {
                yield return statement.ToString();
                statement.Clear().Append(head);
                rowsInStatement = 0;
            }
            if (rowsInStatement > 0) statement.Append(',');
            statement.Append(rowSql);
            rowsInStatement++;
        }
        if (rowsInStatement > 0)
            yield return statement.ToString();
    }

    /// <summary>One row's VALUES tuple: binary literals, through the column's assignment expression where it has one.</summary>
    internal static string RowSql(TableCopyPlan plan, byte[]?[] row)
    {
        var sb = new StringBuilder("(");
        for (var i = 0; i < row.Length; i++)
        {
            if (i > 0) sb.Append(',');
            var literal = row[i] is null ? "NULL" : Literal(row[i]!);
            var transfer = plan.Transfers[i];
            sb.Append(transfer.ViaVariable && row[i] is not null ? string.Format(transfer.AssignExpression!, literal) : literal);
        }
        return sb.Append(')').ToString();
    }

    // A bare X'..' literal is a number in numeric context; cast to BINARY it is a byte string that the
    // server converts to the column's type as text, byte for byte (statements travel as UTF-8, so raw
    // bytes above 0x7F could not be written into a quoted literal).
    private static string Literal(byte[] value) => $"CAST(X'{Convert.ToHexString(value)}' AS BINARY)";

    /// <summary>Splits LOAD DATA text back into rows of raw values (null for \N).</summary>
    internal static IEnumerable<byte[]?[]> Rows(ReadOnlyMemory<byte> data, int columns)
    {
        var row = new byte[]?[columns];
        var field = new List<byte>();
        var column = 0;
        var escaped = false;
        var isNull = false;
        for (var i = 0; i < data.Length; i++)
        {
            var b = data.Span[i];
            if (escaped)
            {
                escaped = false;
                switch (b)
                {
                    case (byte)'N' when field.Count == 0: isNull = true; break;
                    case (byte)'t': field.Add((byte)'\t'); break;
                    case (byte)'n': field.Add((byte)'\n'); break;
                    case (byte)'r': field.Add((byte)'\r'); break;
                    case (byte)'0': field.Add(0); break;
                    default: field.Add(b); break;
                }
                continue;
            }
            if (b == (byte)'\\') { escaped = true; continue; }
            if (b is (byte)'\t' or (byte)'\n')
            {
                row[column++] = isNull ? null : field.ToArray();
                field.Clear();
                isNull = false;
                if (b == (byte)'\n')
                {
                    yield return row;
                    row = new byte[]?[columns];
                    column = 0;
                }
                continue;
            }
            field.Add(b);
        }
    }
}
