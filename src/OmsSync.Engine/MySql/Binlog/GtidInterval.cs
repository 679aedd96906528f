namespace OmsSync.Engine.MySql.Binlog;

/// <summary>An inclusive range of MySQL GTID transaction numbers.</summary>
public readonly record struct GtidInterval(long Start, long End)
{
    public override string ToString() => Start == End ? $"{Start}" : $"{Start}-{End}";
}
