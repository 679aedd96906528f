using OmsSync.Engine.Changes;
using OmsSync.Engine.Changes.Spill;
using OmsSync.Engine.Postgres.Logical;
using Xunit;

namespace OmsSync.Engine.Tests.Postgres.Logical;

/// <summary>A PostgreSQL transaction past the memory bound: what spills comes back in order, values, NULLs and unsent values intact.</summary>
public sealed class PostgresChangeListTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oms-pgspill-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void ChangesPastTheBoundSpillAndComeBackInOrder()
    {
        var relation = new PostgresChangeList.Relation("s", "t", ["id", "note", "body"]);
        using var list = new PostgresChangeList(new TransactionSpillOptions(_folder, 64 << 10), new ChangeMemoryBudget(64 << 10));
        for (var i = 0; i < 3000; i++)
        {
            if (i == 1500) list.AddTruncate("s", "u");
            if (i == 2000) list.AddColumns(relation);
            object?[] after = [i.ToString(), i % 3 == 0 ? null : $"ünïcode {i}", i % 5 == 0 ? ColumnNotLogged.Value : new string('x', i % 40)];
            list.Add(relation, i % 2 == 0 ? RowChangeKind.Insert : RowChangeKind.Update, i % 2 == 0 ? null : after, after, wholeBefore: i % 4 != 1);
        }
        list.Seal();

        Assert.True(list.SpilledCount > 2000, $"only {list.SpilledCount} spilled");
        Assert.True(list.ContainsDdl);
        Assert.True(list.HasRowsOf("s", "u"));
        var read = list.ToList();
        Assert.Equal(3002, read.Count);
        Assert.IsType<TruncateChange>(read[1500]);
        Assert.IsType<ColumnsChange>(read[2001]);
        var rows = read.OfType<RowChange>().ToList();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            Assert.Equal(i.ToString(), row.After![0]);
            Assert.Equal(i % 3 == 0 ? null : $"ünïcode {i}", row.After[1]);
            if (i % 5 == 0) Assert.Same(ColumnNotLogged.Value, row.After[2]);
            else Assert.Equal(new string('x', i % 40), row.After[2]);
            Assert.Equal(i % 2 == 0 ? RowChangeKind.Insert : RowChangeKind.Update, row.Kind);
            if (i % 2 == 0) Assert.Null(row.Before);
            else Assert.Equal(row.After, row.Before);
            Assert.Equal(i % 4 != 1, row.WholeBefore);
        }
    }
}
