using OmsSync.Engine.Changes;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.MySql.Binlog.Events;
using OmsSync.Engine.MySql.Binlog.Protocol;
using Xunit;

namespace OmsSync.Engine.Tests.MySql.Binlog;

public sealed class TransactionAssemblerTests
{
    private readonly BinlogEventDecoder _decoder = new();

    public TransactionAssemblerTests() => _decoder.Decode(EventBytes.FormatDescription());

    private async Task<List<SourceTransaction>> FeedAsync(TransactionAssembler assembler, params byte[][] events)
    {
        var result = new List<SourceTransaction>();
        foreach (var bytes in events)
            if (await assembler.AcceptAsync(_decoder.Decode(bytes), CancellationToken.None) is { } transaction) result.Add(transaction);
        return result;
    }

    private static byte[] IntTable(uint next) => EventBytes.TableMap(5, "shop", "t", [3], [], nextPosition: next);
    private static byte[] Insert(int value, uint next) =>
        EventBytes.Rows(BinlogEventType.WriteRowsV1, 5, 1, [0, (byte)value, 0, 0, 0], nextPosition: next);

    [Fact]
    public async Task MariaDbTransactionEndsAtXidWithItsPositionAndGtid()
    {
        var assembler = new TransactionAssembler(BinlogServerFlavor.MariaDb, BinlogStartPosition.FromFile("mysql-bin.000001", 300, "0-1-9"), null);
        var read = await FeedAsync(assembler,
            EventBytes.MariaDbGtid(0, 10, 0x0C, nextPosition: 340),
            EventBytes.Event(BinlogEventType.MariaDbAnnotateRows, "INSERT ..."u8.ToArray(), nextPosition: 380),
            IntTable(420), Insert(1, 450), IntTable(490), Insert(2, 520),
            EventBytes.Xid(77, 551));
        var transaction = Assert.Single(read);
        Assert.Equal("0-1-10", transaction.Id);
        Assert.Equal(2, transaction.Changes.Count);
        Assert.Equal(new BinlogPosition("mysql-bin.000001", 300, "0-1-9", BinlogServerFlavor.MariaDb), transaction.StartPosition);
        Assert.Equal(new BinlogPosition("mysql-bin.000001", 551, "0-1-10", BinlogServerFlavor.MariaDb), transaction.EndPosition);
        var row = Assert.IsType<RowChange>(transaction.Changes[1]);
        Assert.Equal(("shop", "t", RowChangeKind.Insert), (row.Database, row.Table, row.Kind));
        Assert.Equal(2L, row.After![0]);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), transaction.CommitTime);
    }

    [Fact]
    public async Task NothingIsYieldedAndNoPositionMovesInsideATransaction()
    {
        var assembler = new TransactionAssembler(BinlogServerFlavor.MariaDb, BinlogStartPosition.FromFile("f.000001", 100), null);
        Assert.Empty(await FeedAsync(assembler, EventBytes.MariaDbGtid(0, 1, 0, nextPosition: 140), IntTable(180), Insert(1, 210)));
        Assert.True(assembler.InTransaction);
        Assert.Equal(100, assembler.Boundary.Position);
        // A heartbeat while inside a transaction must not surface a mid-transaction position.
        Assert.Empty(await FeedAsync(assembler, EventBytes.Event(BinlogEventType.Heartbeat, "f.000001"u8.ToArray(), nextPosition: 210)));
        var done = Assert.Single(await FeedAsync(assembler, EventBytes.Query("", "COMMIT", nextPosition: 260)));
        Assert.Equal(260, done.BinlogEnd().Position);
    }

    [Fact]
    public async Task StandaloneDdlIsItsOwnTransactionAndNotifiesTheSchemaProvider()
    {
        var schemas = new RecordingSchemas();
        var assembler = new TransactionAssembler(BinlogServerFlavor.MariaDb, BinlogStartPosition.FromFile("f.000001", 4), schemas);
        var read = await FeedAsync(assembler,
            EventBytes.MariaDbGtid(0, 5, MariaDbGtidEvent.Standalone | MariaDbGtidEvent.Ddl, nextPosition: 50),
            EventBytes.Query("shop", "CREATE TABLE t (id INT)", nextPosition: 120));
        var ddl = Assert.Single(read);
        Assert.True(ddl.IsDdl);
        Assert.Equal("shop", ((DdlChange)ddl.Changes[0]).Database);
        Assert.Equal(120, ddl.BinlogEnd().Position);
        Assert.Equal(("shop", "CREATE TABLE t (id INT)", 120L), Assert.Single(schemas.Ddls));
    }

    [Fact]
    public async Task RowsAfterADdlInItsOwnGroupAreDecodedWithTheShapeItGives()
    {
        // MariaDB logs CREATE ... SELECT as one group: the CREATE, then its rows, then COMMIT. By the time the group is
        // read, the source may have renamed or dropped the table, so the DDL must be tracked before its rows are decoded.
        var schemas = new RecordingSchemas
        {
            Table = new TableSchema
            {
                Database = "shop", Name = "n3", Indexes = [],
                Columns = [new ColumnSchema { Name = "id", Ordinal = 1, DataType = "bigint", ColumnType = "bigint(20)" }],
            },
        };
        var assembler = new TransactionAssembler(BinlogServerFlavor.MariaDb, BinlogStartPosition.FromFile("f.000001", 4), schemas);
        var read = await FeedAsync(assembler,
            EventBytes.MariaDbGtid(0, 5, MariaDbGtidEvent.Ddl, nextPosition: 50),
            EventBytes.Query("shop", "CREATE TABLE `n3` (`id` bigint(20))", nextPosition: 120),
            EventBytes.TableMap(5, "shop", "n3", [8], [], nextPosition: 160),
            EventBytes.Rows(BinlogEventType.WriteRowsV1, 5, 1, [0, .. BitConverter.GetBytes(7L)], nextPosition: 200),
            EventBytes.Xid(1, 231));
        var group = Assert.Single(read);
        Assert.Equal(231, group.BinlogEnd().Position);
        Assert.Equal(["ddl shop CREATE TABLE `n3` (`id` bigint(20)) at 120", "shape of shop.n3 at 120"], schemas.Calls);
        var row = Assert.Single(group.Changes.OfType<RowChange>());
        Assert.Equal(7L, row["id"]);
    }

    [Fact]
    public async Task StatementsInsideBeginCommitAreFlaggedNotTakenForDdl()
    {
        var assembler = new TransactionAssembler(BinlogServerFlavor.MySql, BinlogStartPosition.FromFile("f.000001", 4), null);
        var read = await FeedAsync(assembler,
            EventBytes.Query("shop", "BEGIN", nextPosition: 60),
            EventBytes.Query("shop", "SAVEPOINT a", nextPosition: 90),
            EventBytes.Query("shop", "UPDATE t SET x = 1", nextPosition: 130),
            EventBytes.Query("shop", "COMMIT", nextPosition: 160));
        var transaction = Assert.Single(read);
        Assert.IsType<StatementChange>(Assert.Single(transaction.Changes));
        Assert.Null(transaction.Id);
    }

    [Fact]
    public async Task HeartbeatOnAnIdleStreamAdvancesThePosition()
    {
        var assembler = new TransactionAssembler(BinlogServerFlavor.MariaDb, BinlogStartPosition.FromFile("f.000001", 100, "0-1-3"), null);
        var beat = Assert.Single(await FeedAsync(assembler, EventBytes.Event(BinlogEventType.Heartbeat, "f.000001"u8.ToArray(), nextPosition: 900)));
        Assert.True(beat.IsHeartbeat);
        Assert.Empty(beat.Changes);
        Assert.Equal(new BinlogPosition("f.000001", 900, "0-1-3", BinlogServerFlavor.MariaDb), beat.EndPosition);
        var rotated = Assert.Single(await FeedAsync(assembler, EventBytes.Event(BinlogEventType.Heartbeat, "f.000002"u8.ToArray(), nextPosition: 256)));
        Assert.Equal(("f.000002", 256L), (rotated.BinlogEnd().File, rotated.BinlogEnd().Position));
    }

    [Fact]
    public async Task RotateAndFileStartEventsMoveTheBoundary()
    {
        var assembler = new TransactionAssembler(BinlogServerFlavor.MariaDb, BinlogStartPosition.FromFile("f.000001", 4), null);
        await FeedAsync(assembler,
            EventBytes.Event(BinlogEventType.Rotate, new PacketWriter().WriteUInt64(4).WriteString("f.000002").ToArray(), nextPosition: 0),
            EventBytes.Event(BinlogEventType.MariaDbGtidList,
                new PacketWriter().WriteUInt32(2).WriteUInt32(0).WriteUInt32(1).WriteUInt64(10).WriteUInt32(0).WriteUInt32(2).WriteUInt64(12).ToArray(), nextPosition: 300),
            EventBytes.Event(BinlogEventType.MariaDbBinlogCheckpoint, [8, 0, 0, 0, .. "f.000002"u8], nextPosition: 340));
        Assert.Equal(new BinlogPosition("f.000002", 340, "0-2-12", BinlogServerFlavor.MariaDb), assembler.Boundary);
    }

    [Fact]
    public async Task MySqlGtidsAccumulateIntoTheSet()
    {
        var uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        var assembler = new TransactionAssembler(BinlogServerFlavor.MySql, BinlogStartPosition.FromFile("b.000001", 4, $"{uuid}:1-5", BinlogServerFlavor.MySql), null);
        byte[] Gtid(long n, uint next) => EventBytes.Event(BinlogEventType.Gtid,
            new PacketWriter().WriteByte(1).WriteBytes(Convert.FromHexString(uuid.Replace("-", ""))).WriteUInt64((ulong)n).ToArray(), nextPosition: next);
        var read = await FeedAsync(assembler,
            Gtid(6, 70), EventBytes.Query("", "BEGIN", nextPosition: 110), IntTable(150), Insert(1, 180), EventBytes.Xid(1, 211),
            Gtid(7, 280), EventBytes.Query("shop", "DROP TABLE x", nextPosition: 330));
        Assert.Equal([$"{uuid}:6", $"{uuid}:7"], read.Select(t => t.Id));
        Assert.Equal($"{uuid}:1-6", read[0].BinlogEnd().Gtids);
        Assert.Equal($"{uuid}:1-7", read[1].BinlogEnd().Gtids);
        Assert.True(read[1].IsDdl);
    }

    [Fact]
    public async Task TwoPhaseXaIsYieldedAsPreparedThenItsOutcome()
    {
        var assembler = new TransactionAssembler(BinlogServerFlavor.MariaDb, BinlogStartPosition.FromFile("f.000001", 4), null);
        var prepare = new PacketWriter().WriteByte(0).WriteUInt32(7).WriteUInt32(2).WriteUInt32(2).WriteString("a1b2").ToArray();
        var read = await FeedAsync(assembler,
            EventBytes.MariaDbGtid(0, 1, MariaDbGtidEvent.PreparedXa, nextPosition: 50), IntTable(90), Insert(1, 120),
            EventBytes.Query("", "XA END X'6131',X'6232',7", nextPosition: 160),
            EventBytes.Event(BinlogEventType.XaPrepare, prepare, nextPosition: 200),
            EventBytes.MariaDbGtid(0, 2, MariaDbGtidEvent.CompletedXa, nextPosition: 240),
            EventBytes.Query("", "XA COMMIT X'6131',X'6232',7", nextPosition: 300));
        Assert.Equal([XaPhase.Prepared, XaPhase.Committed], read.Select(t => t.XaPhase));
        Assert.Equal("X'6131',X'6232',7", read[0].XaId);
        Assert.Equal(read[0].XaId, read[1].XaId);
        Assert.Single(read[0].Changes);
        Assert.Empty(read[1].Changes);
        Assert.Equal((200L, 300L), (read[0].BinlogEnd().Position, read[1].BinlogEnd().Position));
    }

    [Fact]
    public async Task RowsWithoutTheirTableMapAreRejected()
    {
        var assembler = new TransactionAssembler(BinlogServerFlavor.MariaDb, BinlogStartPosition.FromFile("f.000001", 4), null);
        await Assert.ThrowsAsync<FormatException>(() => FeedAsync(assembler, EventBytes.MariaDbGtid(0, 1, 0), Insert(1, 100)));
    }

    [Fact]
    public async Task SchemaSuppliesNamesAndSignedness()
    {
        var schemas = new RecordingSchemas
        {
            Table = new TableSchema
            {
                Database = "shop", Name = "t", Indexes = [],
                Columns = [new ColumnSchema { Name = "big", Ordinal = 1, DataType = "bigint", ColumnType = "bigint(20) unsigned" }],
            },
        };
        var assembler = new TransactionAssembler(BinlogServerFlavor.MariaDb, BinlogStartPosition.FromFile("f.000001", 4), schemas);
        var read = await FeedAsync(assembler,
            EventBytes.MariaDbGtid(0, 1, 0, nextPosition: 40),
            EventBytes.TableMap(5, "shop", "t", [8], [], nextPosition: 80),
            EventBytes.Rows(BinlogEventType.WriteRowsV1, 5, 1, [0, .. BitConverter.GetBytes(ulong.MaxValue)], nextPosition: 120),
            EventBytes.Xid(1, 151));
        var row = (RowChange)read[0].Changes[0];
        Assert.Equal(ulong.MaxValue, row["big"]);
        Assert.Same(schemas.Table, row.Schema);
    }

    private sealed class RecordingSchemas : IBinlogSchemaProvider
    {
        public TableSchema? Table { get; init; }
        public List<(string, string, long)> Ddls { get; } = [];

        public List<string> Calls { get; } = [];

        public ValueTask<TableSchema?> GetTableAsync(string database, string table, BinlogPosition position, CancellationToken cancellationToken)
        {
            Calls.Add($"shape of {database}.{table} at {position.Position}");
            return ValueTask.FromResult(Table);
        }

        public ValueTask OnDdlAsync(string database, string statement, BinlogPosition position, CancellationToken cancellationToken)
        {
            Calls.Add($"ddl {database} {statement} at {position.Position}");
            Ddls.Add((database, statement, position.Position));
            return ValueTask.CompletedTask;
        }
    }
}
