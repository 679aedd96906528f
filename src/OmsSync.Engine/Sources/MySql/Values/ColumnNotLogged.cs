namespace OmsSync.Engine.Sources.MySql.Values;

/// <summary>Stands for a column the row image does not contain (binlog_row_image=MINIMAL or NOBLOB); distinct from NULL.</summary>
public sealed class ColumnNotLogged
{
    public static readonly ColumnNotLogged Value = new();
    private ColumnNotLogged() { }
    public override string ToString() => "(not logged)";
}
