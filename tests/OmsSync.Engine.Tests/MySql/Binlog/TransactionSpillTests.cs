using OmsSync.Engine.Changes.Spill;
using OmsSync.Engine.Changes;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.MySql.Binlog.Events;
using Xunit;

namespace OmsSync.Engine.Tests.MySql.Binlog;

/// <summary>Row changes past the memory budget wait encoded in a spill file and read back in order.</summary>
public sealed class TransactionSpillTests : IDisposable
{
    // A one-row insert of one INT column is estimated at 173 bytes: a transaction may hold two in 1,000 bytes of budget.
    private const long Budget = 1_000;

    private readonly BinlogEventDecoder _decoder = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "omssync-spilltest-" + Guid.NewGuid().ToString("N")[..8]);
    private uint _position = 4;
    private ulong _sequence;

    public TransactionSpillTests() => _decoder.Decode(EventBytes.FormatDescription());

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private TransactionAssembler NewAssembler() =>
        new(BinlogServerFlavor.MariaDb, BinlogStartPosition.FromFile("f.000001", 4), null, spill: new TransactionSpillOptions(_directory, Budget));

    private static byte[] Image(int value) => [0, .. BitConverter.GetBytes(value)];

    /// <summary>One transaction on table shop.t (one INT column): each element is one rows event of those rows.</summary>
    private async Task<SourceTransaction> TransactionAsync(TransactionAssembler assembler, params (BinlogEventType Type, int[] Values)[] events)
    {
        var bytes = new List<byte[]> { EventBytes.MariaDbGtid(0, ++_sequence, 0, nextPosition: _position += 40), EventBytes.TableMap(5, "shop", "t", [3], [], nextPosition: _position += 40) };
        for (var i = 0; i < events.Length; i++)
        {
            var images = events[i].Values.SelectMany(Image).ToArray();
            bytes.Add(EventBytes.Rows(events[i].Type, 5, 1, images, nextPosition: _position += 40, flags: (ushort)(i == events.Length - 1 ? 1 : 0)));
        }
        bytes.Add(EventBytes.Xid(_sequence, _position += 31));
        SourceTransaction? done = null;
        foreach (var e in bytes)
            done = await assembler.AcceptAsync(_decoder.Decode(e), CancellationToken.None) ?? done;
        return done ?? throw new InvalidOperationException("no transaction completed");
    }

    private static (BinlogEventType, int[]) Insert(params int[] values) => (BinlogEventType.WriteRowsV1, values);

    private int SpillFiles() => Directory.Exists(_directory) ? Directory.GetFiles(_directory).Length : 0;

    [Fact]
    public async Task RowsPastTheBudgetAreReadBackInOrderAndTheFileGoesWithTheTransaction()
    {
        using var assembler = NewAssembler();
        var events = Enumerable.Range(0, 50).Select(i => Insert(i * 3 + 1, i * 3 + 2, i * 3 + 3)).ToList();
        events.Add((BinlogEventType.UpdateRowsV1, [1, 1000, 2, 2000]));
        events.Add((BinlogEventType.DeleteRowsV1, [3]));
        var transaction = await TransactionAsync(assembler, [.. events]);

        Assert.Equal(150 + 2 + 1, transaction.Changes.Count);
        Assert.Equal(transaction.Changes.Count, transaction.Changes.Count()); // enumeration agrees with Count
        Assert.True(transaction.SpilledChanges > 140, $"only {transaction.SpilledChanges} changes spilled");
        Assert.Equal(1, SpillFiles());
        Assert.True(transaction.HasRowsOf("shop", "t"));
        Assert.False(transaction.HasRowsOf("oms", "checkpoints")); // the loop filter need not read it through
        var rows = transaction.Changes.Cast<RowChange>().ToList();
        Assert.Equal(Enumerable.Range(1, 150).Select(v => (long)v), rows.Take(150).Select(r => (long)r.After![0]!));
        Assert.Equal((RowChangeKind.Update, 2L, 2000L), (rows[151].Kind, (long)rows[151].Before![0]!, (long)rows[151].After![0]!));
        Assert.Equal((RowChangeKind.Delete, 3L), (rows[152].Kind, (long)rows[152].Before![0]!));
        Assert.Equal(100L, ((RowChange)transaction.Changes[99]).After![0]); // random access reads the right piece back
        Assert.Equal(1000L, ((RowChange)transaction.Changes[150]).After![0]);
        Assert.Equal(2L, ((RowChange)transaction.Changes[1]).After![0]);

        transaction.Dispose();
        Assert.Equal(0, SpillFiles());
        Assert.Empty(transaction.Changes);
    }

    [Fact]
    public async Task TheBudgetIsSharedUntilTransactionsAreDisposed()
    {
        using var assembler = NewAssembler();
        var first = await TransactionAsync(assembler, Insert(1), Insert(2), Insert(3));
        Assert.Equal(1, first.SpilledChanges); // two fit in half the budget
        var second = await TransactionAsync(assembler, Insert(4), Insert(5));
        Assert.Equal(0, second.SpilledChanges);
        var third = await TransactionAsync(assembler, Insert(6), Insert(7));
        Assert.Equal(1, third.SpilledChanges); // the two before it left room for one row
        Assert.Equal([6L, 7L], third.Changes.Cast<RowChange>().Select(r => (long)r.After![0]!));

        first.Dispose();
        second.Dispose();
        third.Dispose();
        var fourth = await TransactionAsync(assembler, Insert(8), Insert(9));
        Assert.Equal(0, fourth.SpilledChanges);
        Assert.Equal(0, SpillFiles());
    }

    [Fact]
    public async Task AnUnfinishedTransactionsFileIsDeletedWhenReadingStops()
    {
        var assembler = NewAssembler();
        foreach (var e in new[]
                 {
                     EventBytes.MariaDbGtid(0, 1, 0, nextPosition: 40), EventBytes.TableMap(5, "shop", "t", [3], [], nextPosition: 80),
                     EventBytes.Rows(BinlogEventType.WriteRowsV1, 5, 1, [.. Image(1), .. Image(2), .. Image(3)], nextPosition: 120, flags: 0),
                     EventBytes.Rows(BinlogEventType.WriteRowsV1, 5, 1, [.. Image(4), .. Image(5), .. Image(6)], nextPosition: 160, flags: 0),
                 })
            Assert.Null(await assembler.AcceptAsync(_decoder.Decode(e), CancellationToken.None));
        Assert.Equal(1, SpillFiles());
        assembler.Dispose();
        Assert.Equal(0, SpillFiles());
    }
}
