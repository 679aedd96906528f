namespace OmsSync.Engine.Changes;

/// <summary>
/// Stands for a column a row image does not carry, distinct from NULL: a binlog written with binlog_row_image
/// MINIMAL or NOBLOB, or an unchanged TOASTed value PostgreSQL did not send.
/// </summary>
public sealed class ColumnNotLogged
{
    public static readonly ColumnNotLogged Value = new();
    private ColumnNotLogged() { }
    public override string ToString() => "(not logged)";
}
