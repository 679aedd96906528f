namespace OmsSync.Engine.MySql.Binlog;

/// <summary>
/// The binlog holds something this reader refuses to guess at (compressed transaction payloads,
/// partial JSON updates, statement-based row changes...). The message names the server setting
/// to change.
/// </summary>
public sealed class BinlogUnsupportedException : NotSupportedException
{
    public BinlogUnsupportedException(string message) : base(message) { }
}
