using OmsSync.Engine.Changes;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>The binlog positions of a transaction read from a binlog.</summary>
internal static class BinlogTransactions
{
    public static BinlogPosition BinlogStart(this SourceTransaction transaction) => (BinlogPosition)transaction.StartPosition;

    public static BinlogPosition BinlogEnd(this SourceTransaction transaction) => (BinlogPosition)transaction.EndPosition;
}
