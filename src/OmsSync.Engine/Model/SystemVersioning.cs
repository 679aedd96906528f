namespace OmsSync.Engine.Model;

/// <summary>
/// MariaDB's system versioning of a table: the two columns that hold each row version's period, and whether the
/// table declares them (a PERIOD FOR SYSTEM_TIME) or leaves them implicit, when MariaDB names them row_start and
/// row_end, hides them from information_schema and adds row_end to every unique key. The binlog carries them like
/// any column, so the table's schema lists them, and its keys with row_end: a current row and its history rows
/// differ only there.
/// </summary>
/// <param name="TransactionPrecise">The period is two transaction ids (BIGINT UNSIGNED) rather than timestamps.</param>
public sealed record SystemVersioning(string RowStart, string RowEnd, bool Implicit, bool TransactionPrecise = false)
{
    /// <summary>The names MariaDB gives the implicit period columns.</summary>
    public const string ImplicitRowStart = "row_start", ImplicitRowEnd = "row_end";

    /// <summary>What row_end holds in a current row: TIMESTAMP's greatest value.</summary>
    public const string CurrentRowEnd = "2038-01-19 03:14:07.999999";

    public bool IsPeriodColumn(string column) =>
        string.Equals(column, RowStart, StringComparison.OrdinalIgnoreCase) || string.Equals(column, RowEnd, StringComparison.OrdinalIgnoreCase);
}
